"""Idempotent consumers: inbox deduplication, ack after commit, delayed retries, dead letters."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, NamedTuple

from kombu import Connection, Message, Producer
from kombu.mixins import ConsumerMixin

from shared import messages
from shared.amqp_io import read_ahead
from shared.config import BrokerSettings
from shared.correlation import correlation_scope
from shared.messages import Envelope, InvalidMessage
from shared.outages import is_outage
from shared.topology import Topology
from shared.unit_of_work import OutboxUnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Any], None]
"""A message handler: applies the message's effect inside the given unit of work."""

Prepare = Callable[[list[Envelope], Any], None]
"""Reads, in the batch's unit of work before its handlers run, what they will look up one
message at a time, so a batch costs a few queries instead of a few per message."""

ATTEMPTS_HEADER = "x-cx-attempts"
ORIGIN_HEADER = "x-cx-origin-queue"
REASON_HEADER = "x-cx-dead-reason"


class Delivery(NamedTuple):
    """A received, valid message waiting to be applied."""

    group: str
    envelope: Envelope
    handler: Handler
    message: Message


class Worker(ConsumerMixin):
    """Consumes a service's handler queues; acks only after the effects committed.

    Messages already waiting are applied in small batches in one transaction, which
    amortises the commit; if a batch fails, its messages are applied one by one so only the
    failing one goes to the retry tier. A batch is at most half the prefetch: the broker keeps
    sending the other half while a batch is applied, so the consumer never waits for an ack's
    round trip before it has work again.
    """

    def __init__(
        self,
        connection: Connection,
        topology: Topology,
        service: str,
        uow_factory: Callable[[], OutboxUnitOfWork],
        handlers: Mapping[str, Mapping[str, Handler]],
        settings: BrokerSettings,
        prepare: Prepare | None = None,
    ):
        self.connection = connection
        self.topology = topology
        self.service = service
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.settings = settings
        self.prepare = prepare
        self._producer: Producer | None = None
        self._batch: list[Delivery] = []
        self._settle_first: list[Callable[[], None]] = []
        self._live: Connection = connection
        self.last_iteration = time.monotonic()  # the heartbeat checks the loop goes round

    @property
    def batch_size(self) -> int:
        return max(1, self.settings.prefetch // 2)

    def on_consume_ready(self, connection: Connection, channel, consumers, **kwargs) -> None:
        """Remember the live connection (the mixin works on a clone) for reads and republishing."""
        self._live = connection
        self._producer = None
        read_ahead(connection)

    def get_consumers(self, Consumer, channel):  # noqa: N803 - kombu's signature
        """One consumer per handler group, JSON only, with a bounded prefetch.

        The consumers hand over the raw message (``on_message``): the body is read with the
        standard JSON decoder here, not kombu's serializer registry, which costs more.
        """
        self.topology.declare(channel)
        return [
            Consumer(
                queues=[self.topology.handler_queue(sub)],
                on_message=partial(self.on_message, sub.group),
                accept=["json"],
                prefetch_count=self.settings.prefetch,
            )
            for sub in self.topology.subscriptions
            if sub.service == self.service
        ]

    def on_message(self, group: str, message: Message) -> None:
        """Validate a delivery and queue it for the next batch; dead-letter the unreadable.

        Nothing is written to the broker here: this runs while the socket may be in
        non-blocking mode (``_take_waiting``). A dead letter or the ack of a message without
        a handler is queued and sent before the batch is applied (``flush``).
        """
        try:
            envelope = messages.load(_json_body(message))
        except InvalidMessage as exc:
            log.error("rejecting unprocessable message", extra={"group": group, "error": str(exc)})
            self._settle_first.append(
                partial(self._forward, message, group, dead=True, reason=str(exc))
            )
            return
        handler = self.handlers.get(group, {}).get(envelope.type)
        if handler is None:
            log.info("no handler; acknowledged", extra={"message_type": envelope.type})
            self._settle_first.append(message.ack)
            return
        self._batch.append(Delivery(group, envelope, handler, message))

    def on_iteration(self) -> None:
        """Between reads: take what else is already waiting (up to a batch), then flush."""
        self.last_iteration = time.monotonic()
        if self._batch and len(self._batch) < self.batch_size:
            self._take_waiting()
        self.flush()

    def _take_waiting(self) -> None:
        """Read the deliveries already received, without waiting for more.

        The socket is made non-blocking once for the whole read: a read with ``timeout=0``
        would switch it to non-blocking and back around every frame, three a message.
        """
        sock = getattr(getattr(self._live.connection, "transport", None), "sock", None)
        if sock is None:  # the embedded file transport
            with contextlib.suppress(TimeoutError, BlockingIOError):
                while len(self._batch) < self.batch_size:
                    self._live.drain_events(timeout=0)
            return
        previous = sock.gettimeout()
        sock.settimeout(0)
        try:
            while len(self._batch) < self.batch_size:
                self._live.drain_events(timeout=None)
        except (TimeoutError, BlockingIOError):
            pass
        finally:
            sock.settimeout(previous)

    def flush(self) -> None:
        """Apply the batch in one transaction and ack it; on failure, one message at a time."""
        settle, self._settle_first = self._settle_first, []
        for action in settle:  # before the batch's ack, which settles every earlier tag
            action()
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            self.process(batch)
        except Exception:  # noqa: BLE001 - isolate the failing message below
            log.info("batch failed; retrying its messages one by one", exc_info=True)
            for delivery in batch:
                self._process_alone(delivery)
            return
        # every other delivery of the channel up to here is settled, so one ack with
        # ``multiple`` settles exactly this batch
        batch[-1].message.ack(multiple=True)

    def _process_alone(self, delivery: Delivery) -> None:
        with correlation_scope(delivery.envelope.correlation_id):
            try:
                self.process([delivery])
            except Exception as exc:  # noqa: BLE001 - any failure goes to the retry tier
                log.warning(
                    "handler failed",
                    exc_info=True,
                    extra={
                        "message_type": delivery.envelope.type,
                        "message_id": delivery.envelope.message_id,
                    },
                )
                self._retry_or_dead_letter(delivery.message, delivery.group, exc)
                return
        delivery.message.ack()

    def process(self, batch: list[Delivery]) -> None:
        """Apply each message once: inbox marks commit with the effects, or nothing does."""
        with self.uow_factory() as uow:
            new = uow.mark_new([(d.envelope, d.group) for d in batch])
            if self.prepare is not None:
                self.prepare(
                    [d.envelope for d in batch if (d.envelope.message_id, d.group) in new], uow
                )
            for group, envelope, handler, _message in batch:
                if (envelope.message_id, group) not in new:
                    log.info("duplicate ignored", extra={"message_id": envelope.message_id})
                    continue
                new.discard((envelope.message_id, group))  # a second copy in the batch
                with correlation_scope(envelope.correlation_id):
                    handler(envelope, uow)
                    log.info("handled", extra={"message_type": envelope.type, "group": group})
            uow.commit()

    def _retry_or_dead_letter(self, message: Message, group: str, exc: Exception) -> None:
        attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0))
        if not is_outage(exc):  # an unreachable database is no fault of the message
            attempts += 1
        reason = f"{type(exc).__name__}: {exc}"[:500]
        dead = attempts >= self.settings.max_attempts
        self._forward(message, group, dead=dead, reason=reason, attempts=attempts)

    def _forward(
        self, message: Message, group: str, dead: bool, reason: str, attempts: int = 0
    ) -> None:
        """Republish to the delay queue or the dead-letter queue (confirmed), then ack."""
        queue = self.topology.queue_name(self.service, group)
        headers = dict(message.headers or {})
        headers.update({ATTEMPTS_HEADER: attempts, ORIGIN_HEADER: queue, REASON_HEADER: reason})
        options: dict[str, Any] = {"routing_key": queue}
        if dead:
            options["exchange"] = self.topology.dead_letter_exchange(self.service)
        elif self.settings.embedded:  # no per-message TTL on the file transport: wait here
            time.sleep(self.delay_for(attempts))
            options["exchange"] = ""
        else:
            options["exchange"] = self.topology.retry_exchange(self.service)
            options["expiration"] = self.delay_for(attempts)
        self._get_producer().publish(
            message.body,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            headers=headers,
            delivery_mode=2,
            message_id=message.properties.get("message_id"),
            **options,
        )
        message.ack()

    def delay_for(self, attempts: int) -> float:
        """Exponential backoff: base, 2×base, 4×base … capped at five minutes."""
        return min(self.settings.retry_base_delay * 2 ** max(attempts - 1, 0), 300.0)

    def _get_producer(self) -> Producer:
        if self._producer is None:
            self._producer = Producer(self._live.channel())
        return self._producer


def _json_body(message: Message) -> Any:
    """The decoded JSON body of a delivery; InvalidMessage (a dead letter) for anything else."""
    if message.content_type != "application/json":
        raise InvalidMessage(f"content type {message.content_type!r} is not JSON")
    try:
        return json.loads(message.body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
        raise InvalidMessage(f"body is not JSON: {exc}") from exc
