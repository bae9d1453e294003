"""Prometheus metrics at ``GET /metrics``: request latency, outbox backlog, dead letters.

The request histogram is recorded as requests are served. Everything else is measured when
Prometheus scrapes, by collectors that run one cheap query against the service's own database
(or one passive queue declare on the broker), so every web process reports the same figures.

With several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory of its own
per service, created before gunicorn starts) to aggregate the histogram across the workers of
the service; without it, each scrape shows the histogram of the one process that answered.
No label carries personal data: routes are URL rule patterns (``/api/v1/manage/<token>``),
never the requested path.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Connection as DbConnection
from sqlalchemy import Engine, MetaData, case, func, select, text

from shared.broker import brief_connection
from shared.config import BrokerSettings
from shared.persistence import outbox_table
from shared.topology import platform_topology

log = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "(no route)"
BROKER_TIMEOUT_SECONDS = 2.0
DATABASE_TIMEOUT_MS = 2000
_OUTBOX = outbox_table(MetaData())  # every service's outbox has this shape


def multiprocess_dir() -> str | None:
    """The directory of prometheus_client's multiprocess mode, if it is on."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """The metrics of one app: the request histogram and the scrape-time collectors."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.collectors: list[Collector] = []
        self._series: dict[tuple[str, str, int], Any] = {}
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Histogram(
            "cx_http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern (never the path) and status.",
            ["service", "method", "route", "status"],
            # in multiprocess mode the values live in files; the scrape reads them from there
            registry=None if multiprocess_dir() else self.registry,
        )

    def series(self, method: str, route: str, status: int):
        """The histogram's child for these labels, looked up once per distinct label set
        rather than through ``labels()`` (its lock and label checks) on every request.

        ``route`` is the URL rule pattern, never the path: paths carry private tokens.
        """
        key = (method if method in METHODS else "other", route, status)
        child = self._series.get(key)
        if child is None:  # a bounded set: known methods, route patterns, status codes
            child = self.requests.labels(self.service, key[0], route, str(key[2]))
            self._series[key] = child
        return child

    def add(self, collector: Collector) -> None:
        """Measure this collector's figures at every scrape."""
        self.collectors.append(collector)
        self.registry.register(collector)

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The scrape: body and content type (text format, or OpenMetrics when asked for)."""
        registry = self.registry
        if multiprocess_dir():
            registry = CollectorRegistry(auto_describe=False)
            MultiProcessCollector(registry)
            for collector in self.collectors:
                registry.register(collector)
        encoder, content_type = choose_encoder(accept)
        return encoder(registry), content_type


def init_metrics(app: Flask, service: str, engine: Engine, broker: BrokerSettings) -> Metrics:
    """Time every request and serve /metrics (public, outside the OpenAPI document)."""
    metrics = Metrics(service)
    metrics.add(OutboxCollector(service, engine))
    if service in platform_topology(broker).services():  # only consumers have a DLQ
        metrics.add(DeadLetterCollector(service, broker))
    app.extensions["metrics"] = metrics

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            rule = request.url_rule
            route = rule.rule if rule else NO_ROUTE
            series = metrics.series(request.method, route, response.status_code)
            series.observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def prometheus_metrics():
        body, content_type = metrics.exposition(request.headers.get("Accept", ""))
        return Response(body, content_type=content_type)

    return metrics


def add_collector(app: Flask, collector: Collector) -> None:
    """Add a service's own scrape-time collector to the app's /metrics."""
    metrics: Metrics = app.extensions["metrics"]
    metrics.add(collector)


def gauge(name: str, documentation: str, labels: dict[str, str], value: float):
    """A gauge family with one sample."""
    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    family.add_metric(list(labels.values()), value)
    return family


def limit_statement_time(db: DbConnection) -> None:
    """On PostgreSQL, a scrape query may take at most 2 s (the transaction is rolled back)."""
    if db.dialect.name == "postgresql":
        db.execute(text(f"SET LOCAL statement_timeout = {DATABASE_TIMEOUT_MS}"))


class OutboxCollector(Collector):
    """Pending rows, the age of the oldest one, and parked rows of the service's outbox.

    One query over the unsent rows (the ``ix_outbox_pending`` index); NaN when the database
    cannot be asked.
    """

    def __init__(self, service: str, engine: Engine) -> None:
        self.service = service
        self.engine = engine

    def measure(self) -> tuple[float, float, float]:
        """(pending, lag in seconds, failed)."""
        waiting = _OUTBOX.c.failed_at.is_(None)
        query = select(
            func.count(case((waiting, 1))),
            func.min(case((waiting, _OUTBOX.c.created_at))),
            func.count(case((_OUTBOX.c.failed_at.is_not(None), 1))),
        ).where(_OUTBOX.c.sent_at.is_(None))
        try:
            with self.engine.connect() as db:
                limit_statement_time(db)
                pending, oldest, failed = db.execute(query).one()
        except Exception:  # noqa: BLE001 - a scrape never fails; the figures are unknown
            log.warning("outbox metrics unavailable", exc_info=True)
            return math.nan, math.nan, math.nan
        lag = 0.0
        if oldest is not None:
            lag = max(0.0, (datetime.now(UTC) - oldest).total_seconds())
        return float(pending), lag, float(failed)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        pending, lag, failed = self.measure()
        labels = {"service": self.service}
        yield gauge(
            "cx_outbox_pending_messages", "Outbox rows waiting to be published.", labels, pending
        )
        yield gauge(
            "cx_outbox_lag_seconds",
            "Age of the oldest outbox row waiting to be published (0 when none waits).",
            labels,
            lag,
        )
        yield gauge(
            "cx_outbox_failed_messages",
            "Outbox rows parked as failed (unroutable or out of attempts).",
            labels,
            failed,
        )


class DeadLetterCollector(Collector):
    """Messages in the service's dead-letter queue, by a passive declare with a short timeout.

    NaN when the broker cannot be reached in time; nothing on the embedded file broker.
    """

    def __init__(self, service: str, broker: BrokerSettings) -> None:
        self.service = service
        self.broker = broker
        self.queue = platform_topology(broker).dead_letter_queue(service).name

    def measure(self) -> float:
        """How many messages wait in the dead-letter queue (0 if it was never declared)."""
        connection = brief_connection(self.broker, BROKER_TIMEOUT_SECONDS)
        try:
            with connection:
                connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
                channel = connection.channel()
                try:
                    _, count, _ = channel.queue_declare(queue=self.queue, passive=True)
                except connection.channel_errors as exc:
                    if getattr(exc, "code", None) == 404:  # never declared: nothing dead yet
                        return 0.0
                    raise
                return float(count)
        except Exception:  # noqa: BLE001 - a scrape never fails or hangs on the broker
            log.warning("dead-letter metrics unavailable", exc_info=True)
            return math.nan

    def collect(self) -> Iterable[GaugeMetricFamily]:
        if self.broker.embedded:
            return
        labels = {"service": self.service, "queue": self.queue}
        yield gauge(
            "cx_dead_letter_messages",
            "Messages in the service's dead-letter queue (NaN: broker unreachable).",
            labels,
            self.measure(),
        )
