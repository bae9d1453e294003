"""The relay that moves committed outbox rows to the broker, with publisher confirms."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime

from kombu import Connection, Exchange, Producer
from sqlalchemy import Engine, Table, select, update

from shared.broker import RETRY_POLICY
from shared.config import BrokerSettings
from shared.correlation import correlation_scope
from shared.topology import Topology

log = logging.getLogger(__name__)


class Unroutable(Exception):
    """The broker returned a mandatory message: no queue was bound for it."""


class OutboxRelay:
    """Publishes pending outbox rows in order and marks each sent only once the broker confirmed.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so two relays never send the same row; a
    crash between publish and commit leaves the row pending, so it is sent again (consumers
    deduplicate by message id). A row that keeps failing is parked as failed after
    ``max_attempts`` with its last error, for an operator to look at.
    """

    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        connection: Connection,
        topology: Topology,
        settings: BrokerSettings,
        batch_size: int = 100,
        max_attempts: int = 10,
    ):
        self.engine = engine
        self.outbox = outbox
        self.connection = connection
        self.topology = topology
        self.settings = settings
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self._returned: set[str] = set()
        self._producer: Producer | None = None
        self._stopping = threading.Event()

    def _on_return(self, exception, exchange, routing_key, message) -> None:
        self._returned.add(message.properties.get("message_id") or "")

    def _get_producer(self) -> Producer:
        if self._producer is None:
            self.connection.ensure_connection(**RETRY_POLICY)
            self.topology.declare(self.connection.default_channel)
            # the file transport cannot return messages; mandatory is only used on AMQP
            on_return = None if self.settings.embedded else self._on_return
            self._producer = Producer(self.connection.channel(), on_return=on_return)
        return self._producer

    def _reset(self) -> None:
        self._producer = None
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - the connection is being thrown away
            log.debug("closing a broken broker connection failed", exc_info=True)

    def _publish(self, row) -> None:
        body = json.loads(row.body)
        producer = self._get_producer()
        with correlation_scope(body.get("correlation_id")):
            producer.publish(
                body,
                exchange=Exchange(row.exchange, type="topic", durable=True),
                routing_key=row.message_type,
                serializer="json",
                delivery_mode=2,
                mandatory=not self.settings.embedded,
                message_id=row.message_id,
                correlation_id=body.get("correlation_id"),
                confirm_timeout=None if self.settings.embedded else self.settings.confirm_timeout,
            )
        if row.message_id in self._returned:
            self._returned.discard(row.message_id)
            raise Unroutable(f"{row.message_type} was not routed to any queue")

    def relay_once(self) -> int:
        """Publish one batch of pending rows; returns how many were confirmed."""
        self._get_producer()  # connect (with retries) before taking any row lock
        with self.engine.begin() as db:
            rows = db.execute(
                select(self.outbox)
                .where(self.outbox.c.sent_at.is_(None), self.outbox.c.failed_at.is_(None))
                .order_by(self.outbox.c.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            sent_ids = []
            for row in rows:
                try:
                    self._publish(row)
                except Unroutable as exc:  # a wiring fault: park it, don't block the rest
                    self._record_failure(db, row, exc, park=True)
                    continue
                except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
                    self._record_failure(db, row, exc)
                    break  # keep order: later rows wait for this one
                sent_ids.append(row.id)
            if sent_ids:
                db.execute(
                    update(self.outbox)
                    .where(self.outbox.c.id.in_(sent_ids))
                    .values(sent_at=datetime.now(UTC), attempts=self.outbox.c.attempts + 1)
                )
            sent = len(sent_ids)
        return sent

    def _record_failure(self, db, row, exc: Exception, park: bool = False) -> None:
        attempts = row.attempts + 1
        broker_down = isinstance(exc, self.connection.connection_errors + (OSError,))
        parked = park or (attempts >= self.max_attempts and not broker_down)
        log.warning(
            "outbox publish failed",
            extra={"message_id": row.message_id, "attempts": attempts, "error": str(exc)},
        )
        db.execute(
            update(self.outbox)
            .where(self.outbox.c.id == row.id)
            .values(
                attempts=attempts,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                failed_at=datetime.now(UTC) if parked else None,
            )
        )
        if broker_down:
            self._reset()

    def run(self, idle_sleep: float | None = None) -> None:
        """Relay until stop() is called; sleep briefly when there is nothing to send."""
        idle_sleep = self.settings.relay_idle_seconds if idle_sleep is None else idle_sleep
        while not self._stopping.is_set():
            try:
                sent = self.relay_once()
            except Exception:  # noqa: BLE001 - database hiccup: log, back off, go on
                log.exception("outbox relay pass failed")
                sent = 0
                self._stopping.wait(1.0)
            if sent < self.batch_size:
                self._stopping.wait(idle_sleep)
        self._reset()

    def stop(self) -> None:
        """Ask run() to return after the current batch."""
        self._stopping.set()
