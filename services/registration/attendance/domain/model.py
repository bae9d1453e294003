"""Attendance: who was checked in on which day of an event, decided at the check-in desk.

A multi-day event records attendance per day (in the event's timezone), so a sheet for EU
evidence and a certificate can say exactly which days a person attended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.registration.attendance.domain import events as ev
from services.registration.attendance.domain.errors import (
    AlreadyCheckedIn,
    NotAnEventDay,
    NotConfirmed,
    WrongEvent,
)
from services.registration.domain.model import Event, Registration
from services.registration.domain.status import Status


@dataclass(eq=False)
class Attendance:
    """One person present on one day of one event."""

    registration_id: str
    event_id: str
    day: date
    recorded_at: datetime
    recorded_by: str | None = None


@dataclass(eq=False)
class Certificate:
    """A certificate was issued (and its email queued) once for a registration."""

    registration_id: str
    event_id: str
    issued_at: datetime


def event_days(event: Event) -> list[date]:
    """Every calendar day the event covers, in its own timezone."""
    zone = ZoneInfo(event.timezone)
    first, last = event.start.astimezone(zone).date(), event.end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def today_at(event: Event, now: datetime) -> date:
    """The date at the event's venue right now."""
    return now.astimezone(ZoneInfo(event.timezone)).date()


def require_day(event: Event, day: date) -> date:
    if day not in event_days(event):
        raise NotAnEventDay(f"{day.isoformat()} is not a day of this event")
    return day


def check_in(
    event: Event,
    registration: Registration,
    day: date,
    already: Attendance | None,
    now: datetime,
    by: str | None = None,
) -> Attendance:
    """Admit a confirmed participant of this event once per day, and say so."""
    require_day(event, day)
    if registration.event_id != event.id:
        raise WrongEvent("this code belongs to a registration for another event")
    if registration.status != Status.CONFIRMED:
        raise NotConfirmed(f"the registration is {registration.status}, not confirmed")
    if already is not None:
        raise AlreadyCheckedIn(f"{registration.name} is already checked in for {day.isoformat()}")
    event.events.append(ev.AttendanceRecorded(registration.id, event.id, day, now))
    return Attendance(registration.id, event.id, day, now, by)


def undo(event: Event, attendance: Attendance, now: datetime) -> None:
    """Take back a check-in made by mistake; the undo is announced like the check-in was."""
    event.events.append(
        ev.AttendanceUndone(attendance.registration_id, event.id, attendance.day, now)
    )


def certify(
    event: Event, registration: Registration, days: list[date], now: datetime
) -> Certificate:
    """Issue the certificate of a participant who attended at least one day."""
    event.events.append(
        ev.CertificateIssued(
            registration_id=registration.id,
            event=event.details(),
            name=registration.name,
            email=registration.email,
            language=registration.language,
            manage_token=registration.manage_token,
            days=tuple(days),
            issued_at=now,
        )
    )
    return Certificate(registration.id, event.id, now)
