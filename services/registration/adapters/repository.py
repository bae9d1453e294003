"""Loading and storing event aggregates; the event row lock is what serialises seat decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import events, quotas, registrations
from services.registration.domain.errors import NotFound
from services.registration.domain.model import Event


class EventRepository:
    """Events and their registrations, in one session."""

    def __init__(self, session: Session):
        self.session = session
        self.seen: set[Event] = set()

    def add(self, event: Event) -> None:
        self.session.add(event)
        self.seen.add(event)

    def get(self, event_id: str, lock: bool = True) -> Event:
        """The event, locked FOR UPDATE (no-op on SQLite, whose writers are serialised)."""
        query = select(Event).where(Event.id == event_id)
        if lock:
            query = query.with_for_update()
        event = self.session.scalars(query).first()
        if event is None:
            raise NotFound(f"no event {event_id}")
        self.seen.add(event)
        return event

    def event_id_for_token(self, manage_token: str) -> tuple[str, str]:
        """(event id, registration id) of a manage token, or NotFound."""
        row = self.session.execute(
            select(registrations.c.event_id, registrations.c.id).where(
                registrations.c.manage_token == manage_token
            )
        ).first()
        if row is None:
            raise NotFound("unknown or revoked link")
        return row.event_id, row.id

    def event_id_for_registration(self, registration_id: str) -> str:
        row = self.session.execute(
            select(registrations.c.event_id).where(registrations.c.id == registration_id)
        ).first()
        if row is None:
            raise NotFound("no such registration")
        return row.event_id

    def with_released_quotas(self, now: datetime) -> list[Event]:
        """Published events with a released partner quota and someone on the waiting list."""
        ids = self.session.scalars(
            select(events.c.id)
            .join(quotas, quotas.c.event_id == events.c.id)
            .join(registrations, registrations.c.event_id == events.c.id)
            .where(
                events.c.status == "published",
                quotas.c.release_at <= now,
                registrations.c.status == "waitlisted",
            )
            .distinct()
        ).all()
        return [self.get(event_id) for event_id in ids]
