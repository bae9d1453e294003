"""Loading and storing programmes; the event row lock is what serialises scheduling decisions."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Table, inspect, select
from sqlalchemy.orm import Session, lazyload, raiseload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from services.scheduling.adapters.orm import blocks, bookings, events, hosts, registrations, visits
from services.scheduling.domain.errors import NotFound
from services.scheduling.domain.model import Programme
from services.scheduling.domain.registrations import Registration
from services.scheduling.domain.visits import Host, Visit


def plausible_key(key: str | None) -> bool:
    """Could this be an id or token at all? (PostgreSQL refuses NUL bytes in queries.)"""
    return key is not None and 0 < len(key) <= 200 and "\x00" not in key


class ProgrammeRepository:
    """Programmes (one per event) with their visits, hosts, blocks and registrations."""

    def __init__(self, session: Session):
        self.session = session
        self.seen: set[Programme] = set()
        # the read model's batch: programmes locked in this session, and registrations read
        # ahead (None: not stored), so each message of a batch asks the database nothing
        self._locked: dict[str, Programme] = {}
        self._registrations: dict[str, Registration | None] = {}

    def add(self, programme: Programme) -> None:
        """Store a new programme and adopt registrations erased before its event was known."""
        self.session.add(programme)
        self.seen.add(programme)
        self.session.flush()
        self.session.expire(programme, ["registrations"])

    def preload_registrations(self, registration_ids: Collection[str]) -> None:
        """Read these registrations in one query, for ``for_registration`` to answer from."""
        missing = {key for key in registration_ids if plausible_key(key)}
        missing -= self._registrations.keys()
        if not missing:
            return
        self._registrations.update(dict.fromkeys(missing))
        found = self.session.scalars(select(Registration).where(registrations.c.id.in_(missing)))
        self._registrations.update((registration.id, registration) for registration in found)

    def add_tombstone(self, registration: Registration) -> None:
        """Remember an erasure whose event is not known yet."""
        self.session.merge(registration)

    def find(self, event_id: str, lock: bool = True) -> Programme | None:
        """The programme, locked FOR UPDATE (no-op on SQLite, whose writers are serialised)."""
        if not plausible_key(event_id):
            return None
        query = select(Programme).where(events.c.id == event_id)
        if lock:
            query = query.with_for_update(of=events)
        programme = self.session.scalars(query).first()
        if programme is not None:
            self.seen.add(programme)
        return programme

    def for_registration(self, event_id: str, registration_id: str) -> Programme | None:
        """The programme, locked, holding just one of its registrations (the read model's path).

        A registration message is about one registration; loading every registration, visit
        and booking of the event made each message cost what the whole event costs. Here the
        visits, hosts and blocks load in full only if the change touches them (releasing a
        registration from its visits); ``registrations`` holds only this one, which is all
        ``record_registration`` and ``erase_registration`` look at. Handlers that need the
        whole programme use ``find``.
        """
        if not plausible_key(event_id):
            return None
        programme = self._locked.get(event_id)
        if programme is None:
            query = (
                select(Programme)
                .where(events.c.id == event_id)
                .options(lazyload("*"))
                .with_for_update(of=events)
            )
            programme = self.session.scalars(query).first()
            if programme is None:
                return None
            self._locked[event_id] = programme
        if "registrations" not in inspect(programme).unloaded:
            # what an earlier message of this unit of work held or created: the current copy
            self._registrations.update((held.id, held) for held in programme.registrations)
        known = self._registration(registration_id)
        mine = [known] if known is not None and known.event_id == event_id else []
        set_committed_value(programme, "registrations", mine)
        self.seen.add(programme)
        return programme

    def _registration(self, registration_id: str) -> Registration | None:
        if registration_id in self._registrations:
            return self._registrations[registration_id]
        return self.session.get(Registration, registration_id)

    def get(self, event_id: str, lock: bool = True) -> Programme:
        programme = self.find(event_id, lock)
        if programme is None:
            raise NotFound(f"no event {event_id} (scheduling has not heard of it)")
        return programme

    def registration_by_token(self, token: str | None) -> Registration | None:
        """The registration whose feed token this is (the participant's credential here)."""
        if not plausible_key(token):
            return None
        query = select(Registration).where(registrations.c.feed_token == token)
        return self.session.scalars(query).first()

    def for_visit(self, visit_id: str, lock: bool = True) -> Programme:
        return self._via(visits, visit_id, "visit", lock)

    def for_block(self, block_id: str, lock: bool = True) -> Programme:
        return self._via(blocks, block_id, "block", lock)

    def for_feed_owner(self, owner_kind: str, owner_id: str) -> Programme:
        """The programme of a host or a registration (by ``owner_kind``)."""
        table = hosts if owner_kind == "host" else registrations
        return self._via(table, owner_id, owner_kind, lock=True)

    def _via(self, table: Table, key: str, what: str, lock: bool) -> Programme:
        """The programme owning the row ``key`` of ``table`` (NotFound for unknown keys)."""
        event_id = None
        if plausible_key(key):
            event_id = self.session.scalar(select(table.c.event_id).where(table.c.id == key))
        if event_id is None:
            raise NotFound(f"no {what} {key}")
        return self.get(event_id, lock)


class FeedReader:
    """Read-only, partial programmes for one person's or one host's feed.

    The programme comes without its children except the ones the feed shows: the owner
    (registration or host) and the visits that are theirs, so a private feed costs what its
    own items cost, however large the programme. Never hand one to a handler, and read one
    per session: the session's identity map holds a single copy of the programme.
    """

    def __init__(self, session: Session):
        self.session = session

    def _header(self, event_id: str) -> Programme | None:
        query = select(Programme).where(events.c.id == event_id).options(lazyload("*"))
        return self.session.scalars(query).first()

    def _with(self, programme: Programme, **children: list) -> Programme:
        for name in ("visits", "hosts", "blocks", "registrations"):
            set_committed_value(programme, name, children.get(name, []))
        return programme

    def programme(self, event_id: str) -> Programme | None:
        """The programme with its visits (and their hosts) only: what the public feed shows.
        Bookings, blocks and registrations are left out (a booking would cost a row and an
        object, and none is shown); touching ``visit.bookings`` on one raises."""
        if not plausible_key(event_id) or (programme := self._header(event_id)) is None:
            return None
        shown = (
            select(Visit)
            .where(visits.c.event_id == event_id)
            .options(raiseload(Visit.bookings))  # type: ignore[arg-type]  # mapped by the ORM
            .order_by(visits.c.start, visits.c.id)
        )
        return self._with(programme, visits=list(self.session.scalars(shown)))

    def participant(self, token: str) -> Programme | None:
        """The programme with the token's registration and the visits it booked."""
        if not plausible_key(token):
            return None
        query = select(Registration).where(registrations.c.feed_token == token)
        registration = self.session.scalars(query).first()
        if registration is None or (programme := self._header(registration.event_id)) is None:
            return None
        mine = Visit.bookings.and_(  # type: ignore[attr-defined]  # mapped by the ORM
            bookings.c.registration_id == registration.id
        )
        booked = (
            select(Visit)
            .join(bookings, bookings.c.visit_id == visits.c.id)
            .where(bookings.c.registration_id == registration.id)
            .where(visits.c.event_id == programme.id)
            .options(selectinload(mine))
            .order_by(visits.c.start)
        )
        chosen = list(self.session.scalars(booked))
        return self._with(programme, visits=chosen, registrations=[registration])

    def host(self, token: str) -> Programme | None:
        """The programme with the token's host and the visits it receives."""
        if not plausible_key(token):
            return None
        host = self.session.scalars(select(Host).where(hosts.c.feed_token == token)).first()
        if host is None or (programme := self._header(host.event_id)) is None:
            return None
        received = select(Visit).where(visits.c.host_id == host.id).order_by(visits.c.start)
        return self._with(programme, visits=list(self.session.scalars(received)), hosts=[host])
