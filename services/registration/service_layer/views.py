"""Read-side queries: plain dicts for the entrypoints; each opens one unit of work to read."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import events, registrations
from services.registration.adapters.repository import EventRepository
from services.registration.domain.errors import NotFound
from services.registration.domain.model import Event, EventStatus, Registration, Status
from services.registration.service_layer.messages import PublicUrls
from services.registration.service_layer.unit_of_work import RegistrationUnitOfWork
from shared.calendar_links import subscription_links

ROSTER_COLUMNS = [
    "id",
    "status",
    "waitlist_position",
    "name",
    "email",
    "organisation",
    "organisation_type",
    "country",
    "role",
    "partner",
    "dietary_needs",
    "accessibility_needs",
    "language",
    "created_at",
]


def _status_counts(session: Session, event_id: str) -> Counter:
    rows = session.execute(
        select(registrations.c.status, func.count())
        .where(registrations.c.event_id == event_id)
        .group_by(registrations.c.status)
    )
    return Counter(dict(rows.all()))


def _venue(event: Event) -> dict[str, Any]:
    return {
        "name": event.venue_name,
        "address": event.venue_address,
        "city": event.venue_city,
        "country": event.venue_country,
        "lat": event.venue_lat,
        "lon": event.venue_lon,
    }


def _event_view(session: Session, event: Event, urls: PublicUrls, now: datetime) -> dict:
    """An event with its seat counts and the links to subscribe to its feed."""
    counts = _status_counts(session, event.id)
    return {
        **{
            k: getattr(event, k)
            for k in (
                "id",
                "title",
                "kind",
                "description",
                "timezone",
                "start",
                "end",
                "capacity",
                "registration_opens",
                "registration_closes",
                "waitlist_enabled",
                "approval_required",
                "status",
                "sequence",
                "created_at",
                "updated_at",
            )
        },
        "venue": _venue(event),
        "quotas": [
            {"partner": q.partner, "seats": q.seats, "release_at": q.release_at}
            for q in event.quotas
        ],
        "seats": {
            "capacity": event.capacity,
            "confirmed": event.confirmed_count,
            "waitlisted": counts[Status.WAITLISTED],
            "pending": counts[Status.PENDING],
            "seats_left": event.seats.seats_left(now),
        },
        "feed": subscription_links(f"{urls.scheduling}/feeds/events/{event.id}.ics"),
    }


def event_view(
    uow: RegistrationUnitOfWork, event: Event, urls: PublicUrls, now: datetime
) -> dict[str, Any]:
    """The view of an event a handler just returned."""
    with uow:
        return _event_view(uow.session, event, urls, now)


def list_events(
    uow: RegistrationUnitOfWork, include_unpublished: bool, urls: PublicUrls, now: datetime
) -> list[dict[str, Any]]:
    """Events in start order: published ones, or every one for organisers."""
    query = select(Event).order_by(events.c.start)
    if not include_unpublished:
        query = query.where(events.c.status == EventStatus.PUBLISHED)
    with uow:
        return [_event_view(uow.session, e, urls, now) for e in uow.session.scalars(query)]


def _get_event(session: Session, event_id: str, include_unpublished: bool) -> Event:
    event = session.get(Event, event_id)
    if event is None or (event.status == EventStatus.DRAFT and not include_unpublished):
        raise NotFound(f"no event {event_id}")
    return event


def get_event(
    uow: RegistrationUnitOfWork,
    event_id: str,
    include_unpublished: bool,
    urls: PublicUrls,
    now: datetime,
) -> dict[str, Any]:
    """One event; drafts only when ``include_unpublished``."""
    with uow:
        event = _get_event(uow.session, event_id, include_unpublished)
        return _event_view(uow.session, event, urls, now)


def registration_view(
    event: Event, registration: Registration, position: int | None
) -> dict[str, Any]:
    """A registration as its owner or an organiser sees it (personal data included)."""
    return {
        **{c: getattr(registration, c) for c in ROSTER_COLUMNS if c != "waitlist_position"},
        "event_id": event.id,
        "event_title": event.title,
        "waitlist_position": position,
        "updated_at": registration.updated_at,
        "erased": registration.erased_at is not None,
    }


def _own(repository: EventRepository, registration: Registration) -> dict[str, Any]:
    event = repository.get(registration.event_id, lock=False)
    return registration_view(event, registration, repository.waitlist_position(registration))


def own_registration(uow: RegistrationUnitOfWork, registration: Registration) -> dict[str, Any]:
    """The view of one registration, with its current waiting-list position."""
    with uow:
        return _own(uow.events, registration)


def by_token(uow: RegistrationUnitOfWork, token: str) -> dict[str, Any]:
    with uow:
        return _own(uow.events, uow.events.by_manage_token(token))


def _roster(session: Session, event: Event, filters: dict[str, str]) -> list[dict[str, Any]]:
    query = (
        select(Registration)
        .where(registrations.c.event_id == event.id)
        .order_by(registrations.c.queue_number)
    )
    everyone = list(session.scalars(query))
    waiting = [r.id for r in everyone if r.status == Status.WAITLISTED]
    positions = {registration_id: n for n, registration_id in enumerate(waiting, start=1)}
    rows = []
    for registration in everyone:
        if filters.get("status") and registration.status != filters["status"]:
            continue
        if filters.get("country") and registration.country != filters["country"].upper():
            continue
        if filters.get("role") and registration.role != filters["role"]:
            continue
        rows.append(registration_view(event, registration, positions.get(registration.id)))
    return rows


def roster(
    uow: RegistrationUnitOfWork, event_id: str, filters: dict[str, str]
) -> list[dict[str, Any]]:
    """The event's registrations in queue order, filtered by status, country and role."""
    with uow:
        return _roster(uow.session, _get_event(uow.session, event_id, True), filters)


def roster_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The roster as a spreadsheet: header and one row per registration."""
    return ROSTER_COLUMNS, [[row[column] for column in ROSTER_COLUMNS] for row in rows]


def _report(session: Session, event: Event) -> dict[str, Any]:
    everyone = list(
        session.scalars(select(Registration).where(registrations.c.event_id == event.id))
    )
    confirmed = [r for r in everyone if r.status == Status.CONFIRMED]
    return {
        "event_id": event.id,
        "title": event.title,
        "participants": len(confirmed),
        "sme_count": sum(1 for r in confirmed if r.organisation_type == "sme"),
        "by_country": dict(Counter(r.country for r in confirmed)),
        "by_role": dict(Counter(r.role for r in confirmed)),
        "by_organisation_type": dict(Counter(r.organisation_type for r in confirmed)),
        "by_status": dict(Counter(r.status for r in everyone)),
    }


def report(uow: RegistrationUnitOfWork, event_id: str) -> dict[str, Any]:
    """Counts for EU programme reports: participants are the confirmed registrations."""
    with uow:
        return _report(uow.session, _get_event(uow.session, event_id, True))


def report_table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """EU reporting counts as a spreadsheet: one row per (dimension, value)."""
    rows: list[list[Any]] = [
        ["total", "participants", report["participants"]],
        ["total", "sme", report["sme_count"]],
    ]
    for dimension in ("by_country", "by_role", "by_organisation_type", "by_status"):
        for value, count in sorted(report[dimension].items()):
            rows.append([dimension.removeprefix("by_"), value, count])
    return ["dimension", "value", "count"], rows


def organiser_event(
    uow: RegistrationUnitOfWork, event_id: str, urls: PublicUrls, now: datetime
) -> dict[str, Any]:
    """What an organiser's event page shows: the event, its roster and its report."""
    with uow:
        event = _get_event(uow.session, event_id, include_unpublished=True)
        return {
            "event": _event_view(uow.session, event, urls, now),
            "rows": _roster(uow.session, event, {}),
            "report": _report(uow.session, event),
        }


def manage_view(
    uow: RegistrationUnitOfWork, token: str, urls: PublicUrls, now: datetime
) -> dict[str, Any]:
    """What the manage page shows: the registration, its event and the personal feed links."""
    with uow:
        registration = uow.events.by_manage_token(token)
        event = uow.events.get(registration.event_id, lock=False)
        return {
            **registration_view(event, registration, uow.events.waitlist_position(registration)),
            "event": _event_view(uow.session, event, urls, now),
            "feed": subscription_links(urls.feed(registration.feed_token)),
            "my_visits_url": f"{urls.scheduling}/my/{registration.feed_token}",
        }
