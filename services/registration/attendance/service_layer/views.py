"""Attendance read side: the desk, the day's sheet, report counts, codes and certificates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import registrations
from services.registration.attendance.adapters import pdf, qr
from services.registration.attendance.adapters.orm import (
    attendance,
    visit_attendance,
    visit_bookings,
)
from services.registration.attendance.domain.codes import shown
from services.registration.attendance.domain.errors import NotCheckedIn
from services.registration.attendance.domain.model import event_days, require_day, today_at
from services.registration.attendance.domain.visits import Visit
from services.registration.attendance.service_layer.visits import known_visit
from services.registration.domain.model import Event, Registration, Status
from services.registration.service_layer.unit_of_work import RegistrationUnitOfWork

SHEET_COLUMNS = ["name", "organisation", "country", "checked_in_at", "signature"]
DIMENSIONS = {"country": "country", "role": "role", "organisation_type": "organisation_type"}


def _day_or_today(event: Event, day: date | None, now: datetime) -> date:
    """The day asked for, else today at the venue if it is an event day, else the first day."""
    if day is not None:
        return require_day(event, day)
    today = today_at(event, now)
    return today if today in event_days(event) else event_days(event)[0]


def _sheet_rows(session: Session, event: Event, day: date) -> list[dict[str, Any]]:
    """Confirmed participants and anyone checked in that day, by name, with their check-in."""
    checked = attendance.c
    query = (
        select(registrations, checked.recorded_at)
        .outerjoin(
            attendance, and_(checked.registration_id == registrations.c.id, checked.day == day)
        )
        .where(
            registrations.c.event_id == event.id,
            registrations.c.erased_at.is_(None),
            or_(registrations.c.status == Status.CONFIRMED, checked.recorded_at.is_not(None)),
        )
        .order_by(func.lower(registrations.c.name), registrations.c.id)
    )
    return [_row(row) for row in session.execute(query)]


def _row(row: Any) -> dict[str, Any]:
    return {
        "registration_id": row.id,
        "name": row.name,
        "organisation": row.organisation,
        "country": row.country,
        "status": row.status,
        "checked_in_at": row.recorded_at,
    }


def _event_summary(event: Event, day: date) -> dict[str, Any]:
    venue = ", ".join(v for v in (event.venue_name, event.venue_city, event.venue_country) if v)
    return {
        "id": event.id,
        "title": event.title,
        "timezone": event.timezone,
        "venue": venue,
        "day": day,
        "days": event_days(event),
    }


def desk(
    uow: RegistrationUnitOfWork, event_id: str, day: date | None, now: datetime
) -> dict[str, Any]:
    """The check-in desk of a day: the event, its days, and who is (not yet) checked in."""
    with uow:
        event = uow.events.get(event_id, lock=False)
        day = _day_or_today(event, day, now)
        rows = _sheet_rows(uow.session, event, day)
        present = sum(1 for row in rows if row["checked_in_at"] is not None)
        visits = [visit_summary(v) for v in uow.visits.of_event(event.id)]
        summary = _event_summary(event, day)
        return {"event": summary, "rows": rows, "checked_in": present, "visits": visits}


def visit_summary(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.visit_id,
        "title": visit.title,
        "host_organisation": visit.host_organisation,
        "location": visit.location,
        "start": visit.start,
        "timezone": visit.timezone,
        "status": visit.status,
        "day": visit.day,
    }


def _visit_rows(session: Session, visit: Visit) -> list[dict[str, Any]]:
    """Who is booked on the visit, and anyone checked in there, by name."""
    checked = visit_attendance.c
    booked = select(visit_bookings.c.registration_id).where(
        visit_bookings.c.visit_id == visit.visit_id
    )
    query = (
        select(registrations, checked.recorded_at)
        .outerjoin(
            visit_attendance,
            and_(checked.registration_id == registrations.c.id, checked.visit_id == visit.visit_id),
        )
        .where(
            registrations.c.erased_at.is_(None),
            or_(registrations.c.id.in_(booked), checked.recorded_at.is_not(None)),
        )
        .order_by(func.lower(registrations.c.name), registrations.c.id)
    )
    return [_row(row) for row in session.execute(query)]


def visit_and_event(uow: RegistrationUnitOfWork, visit_id: str) -> tuple[Visit, Event]:
    """A study visit registration heard of, and its event (inside an open unit of work)."""
    visit = known_visit(uow, visit_id)
    return visit, uow.events.get(visit.event_id, lock=False)


def visit_desk(uow: RegistrationUnitOfWork, visit_id: str) -> dict[str, Any]:
    """A study visit's desk and sheet: the visit, its event, who is booked and who came."""
    with uow:
        visit, event = visit_and_event(uow, visit_id)
        rows = _visit_rows(uow.session, visit)
        present = sum(1 for row in rows if row["checked_in_at"] is not None)
        sheet_event = {
            "id": event.id,
            "title": f"{event.title}: {visit.title}",
            "timezone": visit.timezone,
            "venue": ", ".join(v for v in (visit.host_organisation, visit.location) if v),
            "day": visit.day,
            "days": [visit.day],
        }
        return {
            "visit": visit_summary(visit),
            "event": sheet_event,
            "rows": rows,
            "checked_in": present,
        }


def sheet_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """A day's sheet as a spreadsheet (the signature column left blank)."""
    table = [[r["name"], r["organisation"], r["country"], r["checked_in_at"], ""] for r in rows]
    return SHEET_COLUMNS, table


def sheet_pdf(page: dict[str, Any]) -> bytes:
    """A day's sheet as the signed PDF evidence EU programmes ask for."""
    return pdf.attendance_sheet(page["event"], page["rows"])


def attendance_report(session: Session, event_id: str) -> dict[str, Any]:
    """Attendees (checked in on at least one day) counted like the participants are."""
    attended = select(attendance.c.registration_id).where(attendance.c.event_id == event_id)
    counts: dict[str, Any] = {}
    for key, column in DIMENSIONS.items():
        query = (
            select(registrations.c[column], func.count())
            .where(registrations.c.id.in_(attended.scalar_subquery()))
            .group_by(registrations.c[column])
        )
        counts[f"by_{key}"] = {value: count for value, count in session.execute(query)}
    by_type = counts["by_organisation_type"]
    return {"attendees": sum(by_type.values()), "sme_count": by_type.get("sme", 0), **counts}


def _checkin(registration: Registration) -> str | None:
    code = registration.checkin_code
    return shown(code) if code and registration.status == Status.CONFIRMED else None


def participant_checkin(uow: RegistrationUnitOfWork, registration: Registration) -> dict:
    """A participant's check-in code (None without a confirmed seat) and the days attended
    (inside an open unit of work)."""
    days = uow.attendance.days_of(registration.id)
    return {
        "checkin_code": _checkin(registration),
        "days_attended": days,
        "certificate": bool(days) and registration.erased_at is None,
    }


def checkin_of(uow: RegistrationUnitOfWork, token: str) -> dict[str, Any]:
    with uow:
        return participant_checkin(uow, uow.events.by_manage_token(token))


def checkin_image(uow: RegistrationUnitOfWork, token: str, fmt: str) -> bytes:
    """The QR code of a confirmed seat's check-in code, as PNG or SVG."""
    code = checkin_of(uow, token)["checkin_code"]
    if code is None:
        raise NotCheckedIn("only a confirmed seat has a check-in code")
    return qr.png(code) if fmt == "png" else qr.svg(code)


def certificate_pdf(uow: RegistrationUnitOfWork, token: str) -> bytes:
    """The attendance certificate of the holder of a manage link, if they attended."""
    with uow:
        registration = uow.events.by_manage_token(token)
        days = uow.attendance.days_of(registration.id)
        if not days or registration.erased_at is not None:
            raise NotCheckedIn("a certificate is issued to participants who attended")
        event = uow.events.get(registration.event_id, lock=False)
        return pdf.certificate(_event_summary(event, days[0]), registration.name, days)
