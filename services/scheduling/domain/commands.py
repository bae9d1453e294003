"""Commands and inbound facts: what organisers ask for and what registration tells us."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Location:
    """Where a visit takes place (also the value object mapped onto the visit's columns)."""

    name: str
    address: str
    lat: float | None = None
    lon: float | None = None

    def __str__(self) -> str:
        return f"{self.name}, {self.address}"


@dataclass(frozen=True)
class Venue:
    """Where the workshop itself takes place, as registration describes it."""

    name: str
    address: str
    city: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.address, self.city) if part)


@dataclass(frozen=True)
class HostDetails:
    """The organisation receiving a visit and the person to contact there."""

    organisation: str
    contact_name: str
    contact_email: str


@dataclass(frozen=True)
class ScheduleVisit:
    event_id: str
    title: str
    host: HostDetails
    location: Location
    start: datetime
    end: datetime
    capacity: int
    description: str = ""
    meeting_point: str | None = None
    requirements: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EventSnapshot:
    """The workshop as registration last described it (newest wins by sequence, then time)."""

    event_id: str
    title: str
    description: str
    venue: Venue
    timezone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    updated_at: datetime

    @property
    def version(self) -> tuple[int, datetime]:
        return self.sequence, self.updated_at


@dataclass(frozen=True)
class RegistrationSnapshot:
    """A registration as registration last announced it; ``sent_at`` orders the messages."""

    registration_id: str
    event_id: str
    status: str
    feed_token: str
    sent_at: datetime
