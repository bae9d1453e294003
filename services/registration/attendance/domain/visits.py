"""Study visits as registration learns them from scheduling's messages, and who attended them.

Visits are scheduling's; per-visit attendance is kept here because the evidence needs what
only registration holds (names, organisations, countries, the check-in code), while
scheduling deliberately keeps no names. Scheduling's ``visit.*`` messages tell us each visit
and who is booked on it; a visit check-in admits only a booked, confirmed participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.registration.attendance.domain import events as ev
from services.registration.attendance.domain.errors import (
    AlreadyCheckedIn,
    NotConfirmed,
    NotOnVisit,
    VisitCancelled,
    WrongEvent,
)
from services.registration.domain.model import Event, Registration
from services.registration.domain.status import Status


@dataclass(eq=False)
class Visit:
    """What a sheet and a desk show of a visit; the newest snapshot (by sequence) wins."""

    visit_id: str
    event_id: str
    title: str
    host_organisation: str
    location: str
    timezone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    capacity: int | None = None  # None: stored before registration kept it, until a newer message

    @property
    def day(self) -> date:
        return self.start.astimezone(ZoneInfo(self.timezone)).date()

    def apply(self, newer: Visit) -> None:
        """Take a later snapshot's values; an older one arriving late changes nothing."""
        if newer.sequence < self.sequence:
            return
        keys = ("title", "host_organisation", "location", "timezone", "start", "end", "capacity")
        for key in keys:
            setattr(self, key, getattr(newer, key))
        self.status, self.sequence = newer.status, newer.sequence


@dataclass(eq=False)
class Booking:
    visit_id: str
    registration_id: str


@dataclass(eq=False)
class VisitAttendance:
    visit_id: str
    registration_id: str
    event_id: str
    recorded_at: datetime
    recorded_by: str | None = None


def check_in_visit(
    event: Event,
    visit: Visit,
    registration: Registration,
    booked: bool,
    already: VisitAttendance | None,
    now: datetime,
    by: str | None = None,
) -> VisitAttendance:
    """Admit a booked, confirmed participant of the visit's event, once."""
    if registration.event_id != visit.event_id:
        raise WrongEvent("this code belongs to a registration for another event")
    if visit.status == "cancelled":
        raise VisitCancelled("this visit is cancelled")
    if registration.status != Status.CONFIRMED:
        raise NotConfirmed(f"the registration is {registration.status}, not confirmed")
    if not booked:
        raise NotOnVisit("this participant is not booked on this visit")
    if already is not None:
        raise AlreadyCheckedIn("already checked in for this visit")
    event.events.append(
        ev.AttendanceRecorded(registration.id, event.id, visit.day, now, visit.visit_id)
    )
    return VisitAttendance(visit.visit_id, registration.id, event.id, now, by)


def undo_visit(event: Event, visit: Visit, attendance: VisitAttendance, now: datetime) -> None:
    event.events.append(
        ev.AttendanceUndone(attendance.registration_id, event.id, visit.day, now, visit.visit_id)
    )
