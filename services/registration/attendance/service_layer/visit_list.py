"""A study visit's participant list for its host: who comes, and what each of them needs.

Scheduling keeps no names by design, so the list is registration's: the confirmed
participants booked on the visit (erased people left out), with their dietary and
accessibility needs, which only organisers see and pass on to the host.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import registrations
from services.registration.attendance.adapters.orm import visit_bookings
from services.registration.attendance.service_layer.views import visit_and_event, visit_summary
from services.registration.domain.status import Status
from services.registration.service_layer.unit_of_work import RegistrationUnitOfWork

PARTICIPANT_COLUMNS = [
    "name",
    "organisation",
    "country",
    "role",
    "dietary_needs",
    "accessibility_needs",
]
NEEDS = ("dietary_needs", "accessibility_needs")


def _participants(session: Session, visit_id: str) -> list[dict[str, Any]]:
    """The confirmed, not erased participants booked on the visit, by name."""
    booked = select(visit_bookings.c.registration_id).where(visit_bookings.c.visit_id == visit_id)
    r = registrations.c
    query = (
        select(r.id.label("registration_id"), *(r[column] for column in PARTICIPANT_COLUMNS))
        .where(r.id.in_(booked), r.erased_at.is_(None), r.status == Status.CONFIRMED)
        .order_by(func.lower(r.name), r.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _stated(text: str | None) -> bool:
    return bool(text and text.strip())


def visit_participants(uow: RegistrationUnitOfWork, visit_id: str) -> dict[str, Any]:
    """The visit (with its capacity, if known), its event, who is booked, and needs counted."""
    with uow:
        visit, event = visit_and_event(uow, visit_id)
        people = _participants(uow.session, visit_id)
        counts = {key: sum(_stated(p[key]) for p in people) for key in NEEDS}
        return {
            "visit": visit_summary(visit) | {"end": visit.end, "capacity": visit.capacity},
            "event": {"id": event.id, "title": event.title},
            "participants": people,
            "counts": {"participants": len(people), **counts},
        }


def participants_table(page: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The list as a spreadsheet: the JSON's columns, one row per participant."""
    rows = [[person[c] for c in PARTICIPANT_COLUMNS] for person in page["participants"]]
    return PARTICIPANT_COLUMNS, rows
