"""The relay that moves committed outbox rows to the broker, with pipelined publisher confirms."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import amqp
from kombu import Connection, Producer
from sqlalchemy import Engine, Row, Table, select, update

from shared.amqp_io import publish_unread, read_ahead, writes_held
from shared.broker import RETRY_POLICY
from shared.config import BrokerSettings
from shared.correlation import correlation_scope
from shared.outbox_wakeup import OutboxListener
from shared.topology import Topology

log = logging.getLogger(__name__)


class Unroutable(Exception):
    """The broker returned a mandatory message: no queue was bound for it."""


class Nacked(Exception):
    """The broker refused the message (for instance a full queue that rejects publishes)."""


class Confirms:
    """Publisher confirms of one channel: which published messages the broker has not settled.

    Delivery tags count the channel's publishes from 1; an ack or nack may settle every tag up
    to its own (``multiple``). A mandatory message that no queue takes is returned before its ack.
    """

    def __init__(self) -> None:
        self.last_tag = 0
        self.unsettled: dict[int, str] = {}
        self.nacked: set[str] = set()
        self.returned: set[str] = set()

    def published(self, message_id: str) -> None:
        """Count one more publish on the channel."""
        self.last_tag += 1
        self.unsettled[self.last_tag] = message_id

    def on_ack(self, delivery_tag: int, multiple: bool) -> None:
        for tag in self._settled(delivery_tag, multiple):
            del self.unsettled[tag]

    def on_nack(self, delivery_tag: int, multiple: bool) -> None:
        for tag in self._settled(delivery_tag, multiple):
            self.nacked.add(self.unsettled.pop(tag))

    def on_return(self, exception, exchange, routing_key, message) -> None:
        self.returned.add(message.properties.get("message_id") or "")

    def _settled(self, delivery_tag: int, multiple: bool) -> list[int]:
        if multiple:
            return [tag for tag in self.unsettled if tag <= delivery_tag]
        return [delivery_tag] if delivery_tag in self.unsettled else []


class OutboxRelay:
    """Publishes pending outbox rows in batches and marks each sent once the broker confirmed.

    A batch (up to ``OUTBOX_BATCH`` rows, in id order) is claimed with ``FOR UPDATE SKIP LOCKED``
    so two relays never send the same row; all of it is published on one channel, in order, and
    then the confirms of the whole batch are awaited at once (``BROKER_CONFIRM_TIMEOUT``). Only
    confirmed rows are marked sent. A crash before the commit leaves the batch pending, so it is
    sent again (consumers deduplicate by message id). A returned (unroutable) row is parked at
    once; a nacked row keeps its place in the outbox and is parked after ``max_attempts``; a
    timeout or a broken connection leaves the unconfirmed rows pending for the next pass.
    Messages of one routing key reach the broker in commit order; only a nacked one, sent
    again later, can arrive after its successors (consumers already tolerate overtaking).
    """

    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        connection: Connection,
        topology: Topology,
        settings: BrokerSettings,
        batch_size: int | None = None,
        max_attempts: int = 10,
    ):
        self.engine = engine
        self.outbox = outbox
        self.connection = connection
        self.topology = topology
        self.settings = settings
        self.batch_size = batch_size or settings.outbox_batch
        self.max_attempts = max_attempts
        self._producer: Producer | None = None
        self._confirms = Confirms()
        self._stopping = threading.Event()

    def _get_producer(self) -> Producer:
        """The connected producer; on AMQP its channel is in confirm mode, read per batch."""
        if self._producer is None:
            self.connection.ensure_connection(**RETRY_POLICY)
            read_ahead(self.connection)  # the confirms of a batch arrive together
            self.topology.declare(self.connection.default_channel)
            channel = self.connection.channel()
            self._confirms = confirms = Confirms()
            if self.settings.embedded:  # the file transport neither confirms nor returns
                self._producer = Producer(channel)
            else:
                # _publish sends on this channel without waiting for each confirm: the
                # confirms of a whole batch are awaited at once
                channel.confirm_select()
                channel.events["basic_ack"].add(confirms.on_ack)
                channel.events["basic_nack"].add(confirms.on_nack)
                channel.events["basic_return"].add(confirms.on_return)
                self._producer = Producer(channel)
        return self._producer

    def _reset(self) -> None:
        self._producer = None
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - the connection is being thrown away
            log.debug("closing a broken broker connection failed", exc_info=True)

    def _publish(self, row: Row) -> None:
        """Hand one row to the broker without waiting for its confirm.

        The row holds the JSON the unit of work wrote: it is sent as it is, not decoded and
        encoded again; only its correlation id is read out of it. On AMQP the message goes
        straight to py-amqp's channel, with the properties kombu's producer would give it.
        """
        correlation_id = _correlation_id(row.body)
        producer = self._get_producer()
        if self.settings.embedded:
            with correlation_scope(correlation_id):
                producer.publish(
                    row.body,
                    exchange=row.exchange,
                    routing_key=row.message_type,
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=2,
                    message_id=row.message_id,
                    correlation_id=correlation_id,
                )
            return
        message = amqp.Message(
            row.body.encode(),
            application_headers={},
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            priority=0,
            message_id=row.message_id,
            correlation_id=correlation_id,
        )
        publish_unread(producer.channel, message, row.exchange, row.message_type, mandatory=True)
        self._confirms.published(row.message_id)

    def _await_confirms(self) -> None:
        """Read the broker's acks, nacks and returns until every publish is settled."""
        deadline = time.monotonic() + self.settings.confirm_timeout
        while self._confirms.unsettled:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("publisher confirms timed out")
            self.connection.drain_events(timeout=remaining)

    def _send(self, rows: Sequence[Row]) -> tuple[list[int], dict[int, tuple[Exception, bool]]]:
        """Publish the rows in order, then await the confirms of all of them.

        Returns the ids confirmed and, by id, what failed and whether to park it. A row that
        cannot be published stops the batch (later rows keep their place, untouched).
        """
        published: list[Row] = []
        failures: dict[int, tuple[Exception, bool]] = {}
        error: Exception | None = None
        try:
            with writes_held(self.connection):
                for row in rows:
                    try:
                        self._publish(row)
                    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
                        failures[row.id] = (exc, False)
                        error = exc
                        break
                    published.append(row)
        except Exception as exc:  # noqa: BLE001 - the held frames never left: all unconfirmed
            error = exc
        if error is None or not self._is_broker_fault(error):
            try:
                self._await_confirms()
            except Exception as exc:  # noqa: BLE001 - the unconfirmed rows stay pending
                error = exc
        unsettled = set(self._confirms.unsettled.values())
        confirmed = []
        for row in published:
            if row.message_id in self._confirms.returned:  # a wiring fault: park it
                failures[row.id] = (Unroutable(f"{row.message_type} was not routed"), True)
            elif row.message_id in self._confirms.nacked:
                failures[row.id] = (Nacked("the broker nacked the message"), False)
            elif row.message_id in unsettled:
                failures[row.id] = (error or TimeoutError("unconfirmed"), False)
            else:
                confirmed.append(row.id)
        self._settle(error)
        return confirmed, failures

    def relay_once(self) -> int:
        """Publish one batch of pending rows; returns how many were confirmed."""
        self._get_producer()  # connect (with retries) before taking any row lock
        outbox = self.outbox.c  # the columns the relay reads: no timestamps to convert
        with self.engine.begin() as db:
            rows = db.execute(
                select(
                    outbox.id,
                    outbox.message_id,
                    outbox.message_type,
                    outbox.exchange,
                    outbox.body,
                    outbox.attempts,
                )
                .where(outbox.sent_at.is_(None), outbox.failed_at.is_(None))
                .order_by(outbox.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            confirmed, failures = self._send(rows)
            for row in rows:
                if row.id in failures:
                    self._record_failure(db, row, *failures[row.id])
            self._mark_sent(db, confirmed)
        return len(confirmed)

    def _mark_sent(self, db, ids: list[int]) -> None:
        if ids:
            db.execute(
                update(self.outbox)
                .where(self.outbox.c.id.in_(ids))
                .values(sent_at=datetime.now(UTC), attempts=self.outbox.c.attempts + 1)
            )

    def _settle(self, error: Exception | None) -> None:
        """Forget this batch's confirms; throw a connection away once it failed us."""
        if error is not None and self._is_broker_fault(error):
            self._reset()
        self._confirms.nacked.clear()
        self._confirms.returned.clear()

    def _is_broker_fault(self, exc: Exception) -> bool:
        return isinstance(exc, self.connection.connection_errors + (OSError,))

    def _record_failure(self, db, row: Row, exc: Exception, park: bool = False) -> None:
        attempts = row.attempts + 1
        parked = park or (attempts >= self.max_attempts and not self._is_broker_fault(exc))
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

    def run(self, idle_sleep: float | None = None) -> None:
        """Relay until stop(); when idle, wait for a NOTIFY (PostgreSQL) or the poll interval."""
        listener = OutboxListener.for_engine(self.engine)
        if listener is not None:
            listener.start()
        if idle_sleep is None:
            settings = self.settings
            idle_sleep = (
                settings.relay_fallback_seconds if listener else settings.relay_idle_seconds
            )
        try:
            while not self._stopping.is_set():
                try:
                    sent = self.relay_once()
                except Exception:  # noqa: BLE001 - database hiccup: log, back off, go on
                    log.exception("outbox relay pass failed")
                    sent = 0
                    self._stopping.wait(1.0)
                if sent < self.batch_size:
                    self._idle(listener, idle_sleep)
        finally:
            if listener is not None:
                listener.close()
            self._reset()

    def _idle(self, listener: OutboxListener | None, seconds: float) -> None:
        if listener is None:
            self._stopping.wait(seconds)
        else:
            listener.wait(seconds, self._stopping)
        self._keep_alive()

    def _keep_alive(self) -> None:
        """Send an AMQP heartbeat when one is due, so an idle relay keeps its connection."""
        if self._producer is not None and not self.settings.embedded:
            try:
                with contextlib.suppress(TimeoutError, BlockingIOError):
                    self.connection.drain_events(timeout=0)  # the broker's heartbeats
                self.connection.heartbeat_check()
            except Exception:  # noqa: BLE001 - a dead connection is replaced on the next pass
                log.info("relay connection lost while idle", exc_info=True)
                self._reset()

    def stop(self) -> None:
        """Ask run() to return after the current batch."""
        self._stopping.set()


_CORRELATION_PREFIX = '{"correlation_id":"'
_JSON = json.JSONDecoder()


def _correlation_id(body: str) -> str | None:
    """The envelope's correlation id, without decoding the whole body.

    The unit of work writes bodies with sorted keys, so ``correlation_id`` comes first; a
    body written any other way is decoded in full.
    """
    if body.startswith(_CORRELATION_PREFIX):
        return _JSON.raw_decode(body, len(_CORRELATION_PREFIX) - 1)[0]
    return json.loads(body).get("correlation_id")
