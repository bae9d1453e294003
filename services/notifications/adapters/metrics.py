"""Email counts of the delivery log for /metrics, measured when Prometheus scrapes."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from services.notifications.adapters.orm import notifications
from shared.metrics import limit_statement_time

log = logging.getLogger(__name__)
STATUSES = ("queued", "sent", "failed")


class EmailCollector(Collector):
    """Notifications by status (queued, sent, failed), counted in the service's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def measure(self) -> dict[str, float]:
        """Count per status; NaN for each when the database cannot be asked."""
        query = select(notifications.c.status, func.count()).group_by(notifications.c.status)
        try:
            with self.engine.connect() as db:
                limit_statement_time(db)
                counts = {status: count for status, count in db.execute(query)}
        except Exception:  # noqa: BLE001 - a scrape never fails; the figures are unknown
            log.warning("email metrics unavailable", exc_info=True)
            return dict.fromkeys(STATUSES, math.nan)
        return {status: float(counts.get(status, 0)) for status in STATUSES}

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "cx_notifications_emails",
            "Emails in the delivery log by status (queued, sent, failed).",
            labels=["service", "status"],
        )
        for status, count in self.measure().items():
            family.add_metric(["notifications", status], count)
        yield family
