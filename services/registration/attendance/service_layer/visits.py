"""Registration's copy of scheduling's study visits and bookings, kept from its visit.* messages.

Messages may arrive out of order: each carries the whole visit, and an older snapshot never
overwrites a newer one (``Visit.apply``). Bookings are only ids; nobody's name travels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.registration.attendance.domain.visits import Visit
from services.registration.domain.errors import NotFound
from services.registration.service_layer.unit_of_work import (
    AbstractRegistrationUnitOfWork,
    RegistrationUnitOfWork,
)
from shared.messages import Envelope


def known_visit(uow: AbstractRegistrationUnitOfWork, visit_id: str) -> Visit:
    """A study visit registration heard of (inside an open unit of work), else NotFound."""
    visit = uow.visits.get(visit_id)
    if visit is None:
        raise NotFound("no such study visit (or not announced yet)")
    return visit


def visit_of(data: dict[str, Any]) -> Visit:
    """The visit snapshot of a visit.* message."""
    where = data["location"]
    place = ", ".join(str(v) for v in (where.get("name"), where.get("city")) if v)
    return Visit(
        visit_id=data["visit_id"],
        event_id=data["event_id"],
        title=data["title"],
        host_organisation=data["host_organisation"],
        location=place,
        timezone=data["timezone"],
        start=data["start"],
        end=data["end"],
        status=data["status"],
        sequence=data["sequence"],
        capacity=data["capacity"],
    )


def on_visit(envelope: Envelope, uow: RegistrationUnitOfWork) -> None:
    """visit.scheduled / updated / cancelled: remember the visit as it now stands."""
    uow.visits.save(visit_of(envelope.payload["visit"]))


def on_participant_added(envelope: Envelope, uow: RegistrationUnitOfWork) -> None:
    uow.visits.save(visit_of(envelope.payload["visit"]))
    uow.visits.book(envelope.payload["visit"]["visit_id"], envelope.payload["registration_id"])


def on_participant_removed(envelope: Envelope, uow: RegistrationUnitOfWork) -> None:
    uow.visits.save(visit_of(envelope.payload["visit"]))
    uow.visits.unbook(envelope.payload["visit"]["visit_id"], envelope.payload["registration_id"])


def handlers() -> dict[str, Callable[[Envelope, Any], None]]:
    """The handlers of registration's ``visits`` group, by message type."""
    return {
        "visit.scheduled": on_visit,
        "visit.updated": on_visit,
        "visit.cancelled": on_visit,
        "visit.participant_added": on_participant_added,
        "visit.participant_removed": on_participant_removed,
    }
