"""Loading and storing programmes; the event row lock is what serialises scheduling decisions."""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from services.scheduling.adapters.orm import blocks, events, hosts, registrations, visits
from services.scheduling.domain.errors import NotFound
from services.scheduling.domain.model import Programme
from services.scheduling.domain.registrations import Registration


def plausible_key(key: str | None) -> bool:
    """Could this be an id or token at all? (PostgreSQL refuses NUL bytes in queries.)"""
    return key is not None and 0 < len(key) <= 200 and "\x00" not in key


class ProgrammeRepository:
    """Programmes (one per event) with their visits, hosts, blocks and registrations."""

    def __init__(self, session: Session):
        self.session = session
        self.seen: set[Programme] = set()

    def add(self, programme: Programme) -> None:
        """Store a new programme and adopt registrations erased before its event was known."""
        self.session.add(programme)
        self.seen.add(programme)
        self.session.flush()
        self.session.expire(programme, ["registrations"])

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
