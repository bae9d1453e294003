"""Idempotent consumers: inbox deduplication, ack after commit, delayed retries, dead letters."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from kombu import Connection, Message, Producer
from kombu.mixins import ConsumerMixin

from shared import messages
from shared.config import BrokerSettings
from shared.correlation import correlation_scope
from shared.messages import Envelope, InvalidMessage
from shared.topology import Topology
from shared.unit_of_work import OutboxUnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[Envelope, Any], None]
"""A message handler: applies the message's effect inside the given unit of work."""

ATTEMPTS_HEADER = "x-cx-attempts"
ORIGIN_HEADER = "x-cx-origin-queue"
REASON_HEADER = "x-cx-dead-reason"


class Worker(ConsumerMixin):
    """Consumes a service's handler queues; one transaction per message, acked after commit."""

    def __init__(
        self,
        connection: Connection,
        topology: Topology,
        service: str,
        uow_factory: Callable[[], OutboxUnitOfWork],
        handlers: Mapping[str, Mapping[str, Handler]],
        settings: BrokerSettings,
    ):
        self.connection = connection
        self.topology = topology
        self.service = service
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.settings = settings
        self._producer: Producer | None = None

    def on_connection_revived(self) -> None:
        """(Re)declare everything on a fresh connection; drop the stale producer."""
        self.topology.declare(self.connection)
        self._producer = None

    def get_consumers(self, Consumer, channel):  # noqa: N803 - kombu's signature
        """One consumer per handler group, JSON only, with a bounded prefetch."""
        self.topology.declare(self.connection)
        return [
            Consumer(
                queues=[self.topology.handler_queue(sub)],
                callbacks=[partial(self.on_message, sub.group)],
                accept=["json"],
                prefetch_count=self.settings.prefetch,
            )
            for sub in self.topology.subscriptions
            if sub.service == self.service
        ]

    def on_message(self, group: str, body: Any, message: Message) -> None:
        """Handle one delivery: dead-letter the unreadable, retry the failing, ack the done."""
        try:
            envelope = messages.load(body)
        except InvalidMessage as exc:
            log.error("rejecting unprocessable message", extra={"group": group, "error": str(exc)})
            self._forward(message, group, dead=True, reason=str(exc))
            return
        with correlation_scope(envelope.correlation_id):
            handler = self.handlers.get(group, {}).get(envelope.type)
            if handler is None:
                log.info("no handler; acknowledged", extra={"message_type": envelope.type})
                message.ack()
                return
            try:
                self.process(group, envelope, handler)
            except Exception as exc:  # noqa: BLE001 - any failure goes to the retry tier
                log.warning(
                    "handler failed",
                    exc_info=True,
                    extra={"message_type": envelope.type, "message_id": envelope.message_id},
                )
                self._retry_or_dead_letter(message, group, exc)
                return
            message.ack()

    def process(self, group: str, envelope: Envelope, handler: Handler) -> None:
        """Apply the handler once: the inbox mark commits with the effect, or neither does."""
        with self.uow_factory() as uow:
            if uow.already_handled(envelope.message_id, group):
                log.info("duplicate ignored", extra={"message_id": envelope.message_id})
                return
            handler(envelope, uow)
            uow.mark_handled(envelope, group)
            uow.commit()
        log.info("handled", extra={"message_type": envelope.type, "group": group})

    def _retry_or_dead_letter(self, message: Message, group: str, exc: Exception) -> None:
        attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
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
            self._producer = Producer(self.connection.channel())
        return self._producer
