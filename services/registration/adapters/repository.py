"""Loading and storing event aggregates; the event row lock is what serialises seat decisions."""

from __future__ import annotations

import abc
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, joinedload

from services.registration.adapters.orm import events, history, notices, quotas, registrations
from services.registration.domain.errors import NotFound
from services.registration.domain.history import HistoryEntry
from services.registration.domain.model import ACTIVE, Event, Registration, Status
from services.registration.domain.status import SEATED


class AbstractEventRepository(abc.ABC):
    """Events, and the registrations a decision about one of them needs (the port)."""

    seen: set[Event]

    @abc.abstractmethod
    def add(self, event: Event) -> None: ...

    @abc.abstractmethod
    def get(self, event_id: str, lock: bool = True) -> Event:
        """The event, locked so that its seat decisions are serialised."""

    @abc.abstractmethod
    def delete(self, event: Event) -> None:
        """Remove an event (a draft) and its partner quotas."""

    @abc.abstractmethod
    def add_registration(self, registration: Registration) -> None: ...

    @abc.abstractmethod
    def registration(self, registration_id: str) -> Registration: ...

    @abc.abstractmethod
    def by_manage_token(self, token: str) -> Registration: ...

    @abc.abstractmethod
    def refresh(self, registration: Registration) -> None:
        """Re-read a registration found before its event was locked."""

    @abc.abstractmethod
    def active_emails(self, event_id: str, emails: list[str]) -> set[str]: ...

    @abc.abstractmethod
    def waitlist(self, event_id: str) -> list[Registration]: ...

    @abc.abstractmethod
    def active(self, event_id: str) -> list[Registration]: ...

    @abc.abstractmethod
    def waitlist_position(self, registration: Registration) -> int | None: ...

    @abc.abstractmethod
    def confirmed_by_partner(self, event_id: str) -> dict[str, int]: ...

    @abc.abstractmethod
    def with_released_quotas(self, now: datetime) -> list[Event]: ...

    @abc.abstractmethod
    def by_verify_token(self, token: str) -> Registration: ...

    @abc.abstractmethod
    def active_by_email(self, event_id: str, email: str) -> Registration: ...

    @abc.abstractmethod
    def with_lapsed_holds(self, now: datetime) -> list[str]:
        """Ids of events with an unverified registration whose hold has lapsed."""

    @abc.abstractmethod
    def lapsed_holds(self, event_id: str, now: datetime) -> list[Registration]: ...

    @abc.abstractmethod
    def notices_since(self, event_id: str, key: str, kind: str, since: datetime) -> int:
        """How many emails of ``kind`` went to the address with ``key`` since ``since``."""

    @abc.abstractmethod
    def record_notice(self, event_id: str, key: str, kind: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def forget_notices(self, before: datetime) -> None: ...

    @abc.abstractmethod
    def by_offer_token(self, token: str) -> Registration: ...

    @abc.abstractmethod
    def with_lapsed_offers(self, now: datetime) -> list[str]:
        """Ids of events with an open offer whose time is up."""

    @abc.abstractmethod
    def lapsed_offers(self, event_id: str, now: datetime) -> list[Registration]: ...

    @abc.abstractmethod
    def due_for_purge(self, now: datetime) -> list[str]:
        """Ids of events whose retention date has passed and whose data is not purged yet."""

    @abc.abstractmethod
    def unerased(self, event_id: str) -> list[Registration]:
        """The event's registrations that still hold personal data."""

    @abc.abstractmethod
    def add_history(self, entry: HistoryEntry) -> None: ...

    @abc.abstractmethod
    def history(self, registration_id: str) -> list[HistoryEntry]:
        """What organisers changed about the registration, oldest first."""


class EventRepository(AbstractEventRepository):
    """The events in the registration database."""

    def __init__(self, session: Session):
        self.session = session
        self.seen = set()

    def add(self, event: Event) -> None:
        self.session.add(event)
        self.seen.add(event)

    def get(self, event_id: str, lock: bool = True) -> Event:
        """The event, locked FOR UPDATE (no-op on SQLite, whose writers are serialised)."""
        quotas_of_event = joinedload(Event.quotas)  # type: ignore[arg-type]  # mapped imperatively
        query = select(Event).where(events.c.id == event_id).options(quotas_of_event)
        if lock:
            query = query.with_for_update(of=events)
        event = self.session.scalars(query).unique().first()
        if event is None:
            raise NotFound(f"no event {event_id}")
        self.seen.add(event)
        return event

    def delete(self, event: Event) -> None:
        self.session.delete(event)  # the quotas go with it (delete-orphan)
        self.seen.discard(event)

    def add_registration(self, registration: Registration) -> None:
        self.session.add(registration)

    def registration(self, registration_id: str) -> Registration:
        found = self.session.get(Registration, registration_id)
        if found is None:
            raise NotFound("no such registration")
        return found

    def by_manage_token(self, token: str) -> Registration:
        found = self.session.scalars(
            select(Registration).where(registrations.c.manage_token == token)
        ).first()
        if found is None:
            raise NotFound("unknown or revoked link")
        return found

    def refresh(self, registration: Registration) -> None:
        self.session.refresh(registration)

    def active_emails(self, event_id: str, emails: list[str]) -> set[str]:
        """Which of these emails (lower-cased) already hold an active registration?"""
        wanted = {email.strip().lower() for email in emails}
        return set(
            self.session.scalars(
                select(func.lower(registrations.c.email)).where(
                    registrations.c.event_id == event_id,
                    func.lower(registrations.c.email).in_(wanted),
                    registrations.c.status.in_([str(s) for s in ACTIVE]),
                )
            )
        )

    def _with_status(self, event_id: str, statuses: set[Status]) -> list[Registration]:
        return list(
            self.session.scalars(
                select(Registration)
                .where(
                    registrations.c.event_id == event_id,
                    registrations.c.status.in_([str(s) for s in statuses]),
                )
                .order_by(registrations.c.queue_number)
            )
        )

    def waitlist(self, event_id: str) -> list[Registration]:
        """Waitlisted registrations in queue order."""
        return self._with_status(event_id, {Status.WAITLISTED})

    def active(self, event_id: str) -> list[Registration]:
        return self._with_status(event_id, ACTIVE)

    def waitlist_position(self, registration: Registration) -> int | None:
        if registration.status != Status.WAITLISTED:
            return None
        ahead = self.session.execute(
            select(func.count()).where(
                registrations.c.event_id == registration.event_id,
                registrations.c.status == Status.WAITLISTED,
                registrations.c.queue_number < registration.queue_number,
            )
        ).scalar_one()
        return ahead + 1

    def confirmed_by_partner(self, event_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(registrations.c.partner, func.count())
            .where(
                registrations.c.event_id == event_id,
                registrations.c.status.in_([str(s) for s in SEATED]),
                registrations.c.partner.is_not(None),
            )
            .group_by(registrations.c.partner)
        )
        return {partner: count for partner, count in rows}

    def with_released_quotas(self, now: datetime) -> list[Event]:
        """Published events with a released partner quota and someone on the waiting list."""
        ids = self.session.scalars(
            select(events.c.id)
            .join(quotas, quotas.c.event_id == events.c.id)
            .join(registrations, registrations.c.event_id == events.c.id)
            .where(
                events.c.status == "published",
                quotas.c.release_at <= now,
                registrations.c.status == Status.WAITLISTED,
            )
            .distinct()
        ).all()
        return [self.get(event_id) for event_id in ids]

    def by_verify_token(self, token: str) -> Registration:
        found = self.session.scalars(
            select(Registration).where(registrations.c.verify_token == token)
        ).first()
        if found is None:
            raise NotFound("unknown verification link")
        return found

    def active_by_email(self, event_id: str, email: str) -> Registration:
        found = self.session.scalars(
            select(Registration).where(
                registrations.c.event_id == event_id,
                func.lower(registrations.c.email) == email.strip().lower(),
                registrations.c.status.in_([str(s) for s in ACTIVE]),
            )
        ).first()
        if found is None:
            raise NotFound("no such registration")
        return found

    def _lapsed(self, now: datetime):
        return (
            registrations.c.verified_at.is_(None),
            registrations.c.verify_expires_at <= now,
            registrations.c.status.in_([str(s) for s in ACTIVE]),
        )

    def with_lapsed_holds(self, now: datetime) -> list[str]:
        query = select(registrations.c.event_id).where(*self._lapsed(now)).distinct()
        return list(self.session.scalars(query))

    def lapsed_holds(self, event_id: str, now: datetime) -> list[Registration]:
        query = (
            select(Registration)
            .where(registrations.c.event_id == event_id, *self._lapsed(now))
            .order_by(registrations.c.queue_number)
        )
        return list(self.session.scalars(query))

    def notices_since(self, event_id: str, key: str, kind: str, since: datetime) -> int:
        return self.session.execute(
            select(func.count()).where(
                notices.c.event_id == event_id,
                notices.c.address_key == key,
                notices.c.kind == kind,
                notices.c.sent_at > since,
            )
        ).scalar_one()

    def record_notice(self, event_id: str, key: str, kind: str, at: datetime) -> None:
        self.session.execute(
            insert(notices).values(event_id=event_id, address_key=key, kind=kind, sent_at=at)
        )

    def forget_notices(self, before: datetime) -> None:
        self.session.execute(delete(notices).where(notices.c.sent_at <= before))

    def by_offer_token(self, token: str) -> Registration:
        found = self.session.scalars(
            select(Registration).where(registrations.c.offer_token == token)
        ).first()
        if found is None:
            raise NotFound("unknown offer link")
        return found

    def _lapsed_offer(self, now: datetime):
        return (
            registrations.c.status == Status.OFFERED,
            registrations.c.offer_expires_at <= now,
        )

    def with_lapsed_offers(self, now: datetime) -> list[str]:
        query = select(registrations.c.event_id).where(*self._lapsed_offer(now)).distinct()
        return list(self.session.scalars(query))

    def lapsed_offers(self, event_id: str, now: datetime) -> list[Registration]:
        query = (
            select(Registration)
            .where(registrations.c.event_id == event_id, *self._lapsed_offer(now))
            .order_by(registrations.c.queue_number)
        )
        return list(self.session.scalars(query))

    def due_for_purge(self, now: datetime) -> list[str]:
        query = select(events.c.id).where(
            events.c.purged_at.is_(None), events.c.retention_until <= now
        )
        return list(self.session.scalars(query.order_by(events.c.retention_until)))

    def unerased(self, event_id: str) -> list[Registration]:
        query = select(Registration).where(
            registrations.c.event_id == event_id, registrations.c.erased_at.is_(None)
        )
        return list(self.session.scalars(query.order_by(registrations.c.queue_number)))

    def add_history(self, entry: HistoryEntry) -> None:
        self.session.add(entry)

    def history(self, registration_id: str) -> list[HistoryEntry]:
        query = select(HistoryEntry).where(history.c.registration_id == registration_id)
        return list(self.session.scalars(query.order_by(history.c.at, history.c.id)))
