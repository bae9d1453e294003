"""The registration unit of work: events repository plus the outbox."""

from __future__ import annotations

import abc
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.registration.adapters.orm import ACTIVE_EMAIL_INDEX, inbox, outbox
from services.registration.adapters.repository import AbstractEventRepository, EventRepository
from services.registration.attendance.adapters.orm import ATTENDANCE_KEY, VISIT_ATTENDANCE_KEY
from services.registration.attendance.adapters.repository import (
    AttendanceRepository,
    VisitRepository,
)
from services.registration.attendance.domain.errors import AlreadyCheckedIn
from services.registration.domain.errors import AlreadyRegistered
from services.registration.service_layer.messages import PublicUrls, to_message
from shared.erasure import Traces
from shared.unit_of_work import OutboxUnitOfWork


class AbstractRegistrationUnitOfWork(abc.ABC):
    """What the handlers need: the events, one commit that carries their messages, rollback."""

    events: AbstractEventRepository
    attendance: AttendanceRepository
    visits: VisitRepository
    urls: PublicUrls

    def __enter__(self) -> AbstractRegistrationUnitOfWork:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make the changes and the messages they raised durable, together."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Forget everything since the last commit, messages included."""

    @abc.abstractmethod
    def forget(self, traces: Traces) -> None:
        """At commit, scrub an erased person from every message kept, this commit's included."""

    def collect_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """The contract messages of the domain events the touched events raised, in order."""
        collected = []
        for event in self.events.seen:
            while event.events:
                collected.append(to_message(event.events.pop(0), self.urls))
        return collected


class RegistrationUnitOfWork(OutboxUnitOfWork, AbstractRegistrationUnitOfWork):
    """Commits event changes and the messages they raised, atomically."""

    events: EventRepository

    def __init__(self, session_factory: sessionmaker[Session], exchange: str, urls: PublicUrls):
        super().__init__(session_factory, "registration", exchange, outbox, inbox)
        self.urls = urls

    def _start(self, session: Session) -> None:
        self.events = EventRepository(session)
        self.attendance = AttendanceRepository(session)
        self.visits = VisitRepository(session)

    def commit(self) -> None:
        """Commit; a race the database caught (the same email registering, or the same person
        checked in twice at once) is reported as the domain would have."""
        try:
            super().commit()
        except IntegrityError as exc:
            if ACTIVE_EMAIL_INDEX in str(exc.orig):
                raise AlreadyRegistered("this email is already registered for the event") from exc
            if ATTENDANCE_KEY in str(exc.orig) or VISIT_ATTENDANCE_KEY in str(exc.orig):
                raise AlreadyCheckedIn("already checked in") from exc
            raise

    def _collect_messages(self) -> list[tuple[str, dict[str, Any]]]:
        return self.collect_messages()
