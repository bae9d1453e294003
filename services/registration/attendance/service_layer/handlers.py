"""Attendance use cases: check in, undo, and the after-event pass that issues certificates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from services.registration.attendance.domain import model, visits
from services.registration.attendance.domain.codes import normalise
from services.registration.attendance.domain.errors import InvalidCode, NotCheckedIn, UnknownCode
from services.registration.attendance.service_layer.visits import known_visit
from services.registration.service_layer.unit_of_work import AbstractRegistrationUnitOfWork

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class CheckedIn:
    """What the desk shows after a check-in: who, for which day, when."""

    registration_id: str
    name: str
    organisation: str
    day: date
    checked_in_at: datetime


def check_in(
    event_id: str,
    typed: str,
    day: date | None,
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
    by: str | None = None,
) -> CheckedIn:
    """Check the holder of a typed (or scanned) code in for a day of the event (today if None)."""
    code = normalise(typed)
    if code is None:
        raise InvalidCode("not a check-in code: ten letters and digits, such as ABCDE-FGH23")
    now = clock()
    with uow:
        event = uow.events.get(event_id, lock=False)
        registration = uow.attendance.by_code(code)
        if registration is None:
            raise UnknownCode("unknown check-in code")
        day = day or model.today_at(event, now)
        already = uow.attendance.get(registration.id, day)
        record = model.check_in(event, registration, day, already, now, by)
        uow.attendance.add(record)
        done = CheckedIn(registration.id, registration.name, registration.organisation, day, now)
        uow.commit()
        return done


def undo_check_in(
    event_id: str,
    registration_id: str,
    day: date,
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
) -> None:
    """Take back one day's check-in of one registration of this event."""
    with uow:
        event = uow.events.get(event_id, lock=False)
        record = uow.attendance.get(registration_id, day)
        if record is None or record.event_id != event.id:
            raise NotCheckedIn("nobody with this registration is checked in on this day")
        model.undo(event, record, clock())
        uow.attendance.remove(record)
        uow.commit()


def check_in_visit(
    visit_id: str,
    typed: str,
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
    by: str | None = None,
) -> CheckedIn:
    """Check a booked participant in at a study visit by their code."""
    code = normalise(typed)
    if code is None:
        raise InvalidCode("not a check-in code: ten letters and digits, such as ABCDE-FGH23")
    now = clock()
    with uow:
        visit = known_visit(uow, visit_id)
        registration = uow.attendance.by_code(code)
        if registration is None:
            raise UnknownCode("unknown check-in code")
        event = uow.events.get(visit.event_id, lock=False)
        booked = uow.visits.booked(visit_id, registration.id)
        already = uow.visits.attendance(visit_id, registration.id)
        record = visits.check_in_visit(event, visit, registration, booked, already, now, by)
        uow.visits.add_attendance(record)
        name, organisation = registration.name, registration.organisation
        uow.commit()
        return CheckedIn(registration.id, name, organisation, visit.day, now)


def undo_visit_check_in(
    visit_id: str, registration_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> None:
    with uow:
        visit = known_visit(uow, visit_id)
        record = uow.visits.attendance(visit_id, registration_id)
        if record is None:
            raise NotCheckedIn("nobody with this registration is checked in on this visit")
        visits.undo_visit(uow.events.get(visit.event_id, lock=False), visit, record, clock())
        uow.visits.remove_attendance(record)
        uow.commit()


def issue_certificates(uow: AbstractRegistrationUnitOfWork, clock: Clock) -> int:
    """After events end, issue each attendee's certificate once (its email goes by message).

    The certificate row and the message commit together, so a pass that runs twice, or two
    workers at once (the event row is locked), issue each certificate exactly once.
    """
    now, issued = clock(), 0
    with uow:
        due = uow.attendance.events_to_certify(now)
    for event_id in due:
        with uow:
            event = uow.events.get(event_id)
            for registration in uow.attendance.uncertified(event_id):
                days = uow.attendance.days_of(registration.id)
                uow.attendance.add_certificate(model.certify(event, registration, days, now))
                issued += 1
            uow.commit()
    return issued
