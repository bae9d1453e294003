"""Visits and what hangs off them: hosts, bookings, time slots and described changes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.domain.commands import Location
from services.scheduling.domain.errors import InvalidTransition, NotFound, VisitFull

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
# Changing these makes calendar copies stale: they bump the visit's SEQUENCE (status does too).
SCHEDULE_FIELDS = frozenset({"start", "end", "location", "meeting_point"})


def new_token() -> str:
    """An unguessable feed token: 256 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(32)


def same_name(a: str, b: str) -> bool:
    """Organisation names compared without case or extra spaces."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(frozen=True)
class Change:
    """One edited field of a visit, before and after, as text."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Slot:
    """When and where something happens, for overlap checks."""

    start: datetime
    end: datetime
    location: Location

    def overlaps(self, other: Slot, gap: timedelta = timedelta(0)) -> bool:
        return self.start < other.end + gap and other.start < self.end + gap

    def too_close(self, other: Slot, travel_buffer: timedelta) -> bool:
        """True when one person could not attend both, counting travel between two sites."""
        same_site = self.location.address.casefold() == other.location.address.casefold()
        return self.overlaps(other, timedelta(0) if same_site else travel_buffer)


@dataclass(eq=False)
class Host:
    """An organisation receiving visits during one event; its feed token is its credential."""

    id: str
    event_id: str
    organisation: str
    contact_name: str
    contact_email: str
    feed_token: str | None
    created_at: datetime

    def rotate_token(self) -> None:
        self.feed_token = new_token()

    def revoke_token(self) -> None:
        self.feed_token = None


@dataclass(eq=False)
class Booking:
    """One registration's seat on one visit."""

    registration_id: str
    booked_at: datetime


@dataclass(eq=False)
class Visit:
    """A study visit to a host during an event."""

    id: str
    event_id: str
    title: str
    description: str
    host: Host
    location: Location
    meeting_point: str | None
    requirements: list[str]
    start: datetime
    end: datetime
    capacity: int
    created_at: datetime
    updated_at: datetime
    roster_changed_at: datetime
    status: str = SCHEDULED
    sequence: int = 0
    block_id: str | None = None
    cancel_reason: str | None = None
    bookings: list[Booking] = field(default_factory=list)

    @property
    def scheduled(self) -> bool:
        return self.status == SCHEDULED

    @property
    def slot(self) -> Slot:
        return Slot(self.start, self.end, self.location)

    @property
    def participants(self) -> tuple[str, ...]:
        """Registration ids booked, in booking order."""
        return tuple(b.registration_id for b in sorted(self.bookings, key=lambda b: b.booked_at))

    def seats_left(self) -> int:
        return max(self.capacity - len(self.bookings), 0)

    def booked(self, registration_id: str) -> bool:
        return any(b.registration_id == registration_id for b in self.bookings)

    def edit(self, values: dict[str, Any], timezone: str, now: datetime) -> tuple[Change, ...]:
        """Apply new values; returns what changed and bumps SEQUENCE for time or place."""
        zone = ZoneInfo(timezone)
        changes = tuple(
            Change(key, _text(getattr(self, key), zone), _text(value, zone))
            for key, value in values.items()
            if getattr(self, key) != value
        )
        for change in changes:
            setattr(self, change.field, values[change.field])
        if changes:
            self._touched(now, bump=bool(SCHEDULE_FIELDS & {c.field for c in changes}))
        return changes

    def cancel(self, reason: str | None, now: datetime) -> None:
        if not self.scheduled:
            raise InvalidTransition("the visit is already cancelled")
        self.status = CANCELLED
        self.cancel_reason = reason
        self._touched(now, bump=True)

    def add(self, registration_id: str, now: datetime) -> None:
        if self.booked(registration_id):
            raise InvalidTransition("the participant is already booked on this visit")
        if self.seats_left() < 1:
            raise VisitFull(f"the visit {self.title!r} is full ({self.capacity} seats)")
        self.bookings.append(Booking(registration_id, now))
        self.roster_changed_at = now

    def remove(self, registration_id: str, now: datetime) -> None:
        for booking in self.bookings:
            if booking.registration_id == registration_id:
                self.bookings.remove(booking)
                self.roster_changed_at = now
                return
        raise NotFound("the participant is not booked on this visit")

    def _touched(self, now: datetime, bump: bool) -> None:
        self.updated_at = now
        if bump:
            self.sequence += 1


def _text(value: Any, zone: ZoneInfo) -> str | None:
    """A field value as people read it in a change notice."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, Host):
        return value.organisation
    if isinstance(value, list | tuple):
        return "; ".join(value)
    return str(value)
