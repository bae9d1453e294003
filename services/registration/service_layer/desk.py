"""The registration desk: concurrent registrations for one event share one transaction.

Every seat decision for an event waits for that event's row lock, so under load the lock and
its commit are the bottleneck. The desk lets the requests that arrive while one batch is being
decided queue up, and the next of them decides all queued ones in a single transaction
(request coalescing): same rules, same order of arrival, one lock and one commit per batch.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from services.registration.domain.commands import Register
from services.registration.service_layer import handlers
from services.registration.service_layer.unit_of_work import AbstractRegistrationUnitOfWork


@dataclass
class _Ticket:
    command: Register
    ready: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    outcome: object = None


class RegistrationDesk:
    """Coalesces one process's concurrent registrations per event (thread-safe)."""

    def __init__(
        self,
        uow_factory: Callable[[], AbstractRegistrationUnitOfWork],
        clock: handlers.Clock,
        max_batch: int = 64,
    ):
        self.uow_factory = uow_factory
        self.clock = clock
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queues: dict[str, list[_Ticket]] = defaultdict(list)
        self._busy: set[str] = set()

    def register(self, command: Register) -> handlers.Registered:
        """Register, possibly together with others waiting for the same event."""
        ticket = _Ticket(command)
        with self._lock:
            self._queues[command.event_id].append(ticket)
            if command.event_id not in self._busy:
                self._busy.add(command.event_id)
                ticket.leads = True
        if not ticket.leads:
            ticket.ready.wait()
        if ticket.leads:  # first in line, or handed the lead by the previous batch
            self._serve(command.event_id)
        if isinstance(ticket.outcome, Exception):
            raise ticket.outcome
        return ticket.outcome  # type: ignore[return-value]

    def _serve(self, event_id: str) -> None:
        with self._lock:
            queue = self._queues[event_id]
            batch, queue[:] = queue[: self.max_batch], queue[self.max_batch :]
        try:
            outcomes = self._decide(event_id, batch)
        finally:
            with self._lock:
                queue = self._queues[event_id]
                successor = queue[0] if queue else None
                if successor is None:
                    self._busy.discard(event_id)
                    del self._queues[event_id]
        for ticket, outcome in zip(batch, outcomes, strict=True):
            ticket.outcome = outcome
            ticket.leads = False
            ticket.ready.set()
        if successor is not None:
            successor.leads = True
            successor.ready.set()

    def _decide(self, event_id: str, batch: list[_Ticket]) -> list[object]:
        commands = [ticket.command for ticket in batch]
        try:
            return list(handlers.register_batch(event_id, commands, self.uow_factory(), self.clock))
        except Exception as exc:  # noqa: BLE001 - the batch failed as a whole
            if len(batch) == 1:
                return [exc]
        # e.g. an email raced in another process: decide one by one so only that one fails
        return [self._alone(event_id, command) for command in commands]

    def _alone(self, event_id: str, command: Register) -> object:
        try:
            return handlers.register_batch(event_id, [command], self.uow_factory(), self.clock)[0]
        except Exception as exc:  # noqa: BLE001 - reported to its caller
            return exc
