"""Domain events of attendance: values copied when the check-in happened or was undone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.registration.domain.events import EventDetails


@dataclass(frozen=True)
class AttendanceRecorded:
    registration_id: str
    event_id: str
    day: date
    recorded_at: datetime
    visit_id: str | None = None  # a study visit's check-in, else the event day's


@dataclass(frozen=True)
class AttendanceUndone:
    registration_id: str
    event_id: str
    day: date
    undone_at: datetime
    visit_id: str | None = None


@dataclass(frozen=True)
class CertificateIssued:
    """A participant who attended may now download (and is emailed) their certificate."""

    registration_id: str
    event: EventDetails
    name: str
    email: str
    language: str
    manage_token: str
    days: tuple[date, ...]
    issued_at: datetime
