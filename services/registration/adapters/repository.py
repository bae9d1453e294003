"""Loading and storing event aggregates; the event row lock is what serialises seat decisions."""

from __future__ import annotations

import abc
import functools
from datetime import datetime

from sqlalchemy import (
    CursorResult,
    Insert,
    Integer,
    Select,
    String,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
)
from sqlalchemy.orm import Session, joinedload

from services.registration.adapters.orm import events, history, notices, quotas, registrations
from services.registration.domain.errors import NotFound
from services.registration.domain.history import HistoryEntry
from services.registration.domain.model import ACTIVE, Event, Registration, Status
from services.registration.domain.notices import NoticeLimit
from services.registration.domain.status import SEATED
from shared.database import UtcDateTime

# Statements of the registration path, built once: a prebuilt statement skips building the
# expression and its cache key on every request (SQLAlchemy memoises both on the object).
_ACTIVE = [str(s) for s in ACTIVE]
_ACTIVE_EMAILS = select(func.lower(registrations.c.email)).where(
    registrations.c.event_id == bindparam("event_id"),
    func.lower(registrations.c.email).in_(bindparam("emails", expanding=True)),
    registrations.c.status.in_(_ACTIVE),
)
_AHEAD = select(func.count()).where(
    registrations.c.event_id == bindparam("event_id"),
    registrations.c.status == Status.WAITLISTED,
    registrations.c.queue_number < bindparam("queue_number"),
)


@functools.lru_cache(maxsize=64)
def _notices_within(addresses: int) -> Insert:
    """One more notice for each of so many addresses (``key_0`` …), inserted only while the
    address is below the limit: counted and recorded in one statement (the event's row lock
    already serialises notices about the event)."""
    keys = [select(bindparam(f"key_{n}", type_=String()).label("key")) for n in range(addresses)]
    wanted = (keys[0] if addresses == 1 else union_all(*keys)).subquery("wanted")
    sent = select(func.count()).where(
        notices.c.event_id == bindparam("event_id"),
        notices.c.address_key == wanted.c.key,
        notices.c.kind == bindparam("kind"),
        notices.c.sent_at > bindparam("since", type_=UtcDateTime()),
    )
    rows = select(
        bindparam("event_id", type_=String()),
        wanted.c.key,
        bindparam("kind", type_=String()),
        bindparam("now", type_=UtcDateTime()),
    ).where(bindparam("at_most", type_=Integer()) > sent.scalar_subquery())
    columns = ["event_id", "address_key", "kind", "sent_at"]
    return insert(notices).from_select(columns, rows).returning(notices.c.address_key)


@functools.cache
def _event_query(lock: bool, by_verify_token: bool = False) -> Select:
    """The event with its quotas, by id or by the verification token of one of its
    registrations, locked FOR UPDATE if ``lock`` (no-op on SQLite, whose writers are
    serialised); built once, after the mappers are configured."""
    if by_verify_token:
        owner = select(registrations.c.event_id).where(
            registrations.c.verify_token == bindparam("token")
        )
        which = events.c.id == owner.scalar_subquery()
    else:
        which = events.c.id == bindparam("event_id")
    quotas_of_event = joinedload(Event.quotas)  # type: ignore[arg-type]  # mapped imperatively
    query = select(Event).where(which).options(quotas_of_event)
    return query.with_for_update(of=events) if lock else query


@functools.cache
def _by_token_query(column: str) -> Select:
    """The registration whose link token in ``column`` is the ``token`` parameter."""
    return select(Registration).where(registrations.c[column] == bindparam("token"))


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
    def event_of_verify_token(self, token: str) -> Event:
        """The event of the registration this verification link names, locked."""

    @abc.abstractmethod
    def active_by_email(self, event_id: str, email: str) -> Registration: ...

    @abc.abstractmethod
    def with_lapsed_holds(self, now: datetime) -> list[str]:
        """Ids of events with an unverified registration whose hold has lapsed."""

    @abc.abstractmethod
    def lapsed_holds(self, event_id: str, now: datetime) -> list[Registration]: ...

    @abc.abstractmethod
    def notices_within(
        self, event_id: str, keys: list[str], limit: NoticeLimit, now: datetime
    ) -> set[str]:
        """Record one more email of ``limit.kind`` to each address (by key) that this keeps
        within the limit; the keys recorded."""

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
        return self._event(_event_query(lock), f"no event {event_id}", event_id=event_id)

    def event_of_verify_token(self, token: str) -> Event:
        query = _event_query(lock=True, by_verify_token=True)
        return self._event(query, "unknown verification link", token=token)

    def _event(self, query: Select, missing: str, **params: str) -> Event:
        event = self.session.scalars(query, params).unique().first()
        if event is None:
            raise NotFound(missing)
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
        return self._by_token("manage_token", token, "unknown or revoked link")

    def _by_token(self, column: str, token: str, missing: str) -> Registration:
        found = self.session.scalars(_by_token_query(column), {"token": token}).first()
        if found is None:
            raise NotFound(missing)
        return found

    def refresh(self, registration: Registration) -> None:
        self.session.refresh(registration)

    def active_emails(self, event_id: str, emails: list[str]) -> set[str]:
        """Which of these emails (lower-cased) already hold an active registration?"""
        wanted = sorted({email.strip().lower() for email in emails})
        return set(self._read(_ACTIVE_EMAILS, event_id=event_id, emails=wanted).scalars())

    def _read(self, query: Select, **params: object) -> CursorResult:
        """A Core query on the session's connection, after flushing what is pending (as the
        ORM's autoflush would), without the ORM's execution machinery."""
        self.session.flush()
        return self.session.connection().execute(query, params)

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
        event_id, number = registration.event_id, registration.queue_number
        return self._read(_AHEAD, event_id=event_id, queue_number=number).scalar_one() + 1

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
        return self._by_token("verify_token", token, "unknown verification link")

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

    def notices_within(
        self, event_id: str, keys: list[str], limit: NoticeLimit, now: datetime
    ) -> set[str]:
        """Count and record in one statement for all the addresses, on the session's
        connection: it touches only notices, so nothing pending needs flushing first."""
        distinct = list(dict.fromkeys(keys))
        if not distinct:
            return set()
        values = {"event_id": event_id, "kind": limit.kind, "now": now}
        values |= {"since": now - limit.per, "at_most": limit.at_most}
        values |= {f"key_{n}": key for n, key in enumerate(distinct)}
        recorded = self.session.connection().execute(_notices_within(len(distinct)), values)
        return set(recorded.scalars())

    def record_notice(self, event_id: str, key: str, kind: str, at: datetime) -> None:
        self.session.execute(
            insert(notices).values(event_id=event_id, address_key=key, kind=kind, sent_at=at)
        )

    def forget_notices(self, before: datetime) -> None:
        self.session.execute(delete(notices).where(notices.c.sent_at <= before))

    def by_offer_token(self, token: str) -> Registration:
        return self._by_token("offer_token", token, "unknown offer link")

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
