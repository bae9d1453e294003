"""Read-side queries: plain dicts for the entrypoints; each opens one unit of work to read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import events, registrations
from services.registration.adapters.repository import EventRepository
from services.registration.attendance.service_layer.views import (
    attendance_report,
    participant_checkin,
)
from services.registration.domain.errors import NotFound
from services.registration.domain.history import HistoryEntry
from services.registration.domain.model import Event, EventStatus, Registration, Status
from services.registration.service_layer.messages import PublicUrls
from services.registration.service_layer.unit_of_work import RegistrationUnitOfWork
from shared.calendar_links import subscription_links
from shared.exports import csv_chunks
from shared.pagination import MAX_LIMIT, Page, PageRequest, keyset, page_of

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

# Rows fetched per round trip of a streamed export: a few MB at most, and 25 round trips for
# 50k rows rather than 100.
EXPORT_BATCH = 2000


def _status_counts(session: Session, event_id: str) -> Counter:
    rows = session.execute(
        select(registrations.c.status, func.count())
        .where(registrations.c.event_id == event_id)
        .group_by(registrations.c.status)
    )
    return Counter(dict(rows.all()))


def _held(session: Session, event_id: str) -> int:
    """Seats taken by registrations still waiting for their address to be verified."""
    return session.execute(
        select(func.count()).where(
            registrations.c.event_id == event_id,
            registrations.c.status == Status.CONFIRMED,
            registrations.c.verified_at.is_(None),
        )
    ).scalar_one()


def _venue(event: Event) -> dict[str, Any]:
    return {
        "name": event.venue_name,
        "address": event.venue_address,
        "city": event.venue_city,
        "country": event.venue_country,
        "lat": event.venue_lat,
        "lon": event.venue_lon,
    }


def _event_view(
    session: Session, event: Event, urls: PublicUrls, now: datetime, organiser: bool = True
) -> dict:
    """An event with its seat counts and the links to subscribe to its feed.

    Partner quotas are the organisers' business: the public sees only how many seats they
    still keep back, never which partners hold them.
    """
    counts, held = _status_counts(session, event.id), _held(session, event.id)
    quotas = [
        {"partner": q.partner, "seats": q.seats, "release_at": q.release_at} for q in event.quotas
    ]
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
                "verify_email",
                "waitlist_offer_hours",
                "retention_until",
                "purged_at",
                "status",
                "sequence",
                "created_at",
                "updated_at",
            )
        },
        "venue": _venue(event),
        "quotas": quotas if organiser else [],
        "seats": {
            "capacity": event.capacity,
            "confirmed": event.confirmed_count - held,
            "held": held,
            "offered": event.offered_count,
            "waitlisted": counts[Status.WAITLISTED],
            "pending": counts[Status.PENDING],
            "reserved": event.seats.reserved_seats(now),
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
    uow: RegistrationUnitOfWork,
    include_unpublished: bool,
    urls: PublicUrls,
    now: datetime,
    filters: dict[str, Any] | None = None,
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """Events in start order: published ones, or every one for organisers; filtered by
    status, kind and a range of start times (``starts_from`` inclusive, ``starts_before``)."""
    filters, page = filters or {}, page or PageRequest(limit=MAX_LIMIT)
    query = select(Event)
    if not include_unpublished:
        query = query.where(events.c.status == EventStatus.PUBLISHED)
    for key in ("status", "kind"):
        if filters.get(key):
            query = query.where(events.c[key] == filters[key])
    if filters.get("starts_from"):
        query = query.where(events.c.start >= filters["starts_from"])
    if filters.get("starts_before"):
        query = query.where(events.c.start < filters["starts_before"])
    with uow:
        count = uow.session.scalar(select(func.count()).select_from(query.subquery()))
        found = uow.session.scalars(keyset(query, [events.c.start, events.c.id], page))
        shape = partial(_event_in_list, uow.session, urls, now, include_unpublished)
        return page_of(found, attrgetter("start", "id"), page, shape, count)


def _event_in_list(
    session: Session, urls: PublicUrls, now: datetime, organiser: bool, event: Event
) -> dict:
    return _event_view(session, event, urls, now, organiser)


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
        return _event_view(uow.session, event, urls, now, include_unpublished)


def registration_view(
    event: Event, registration: Registration, position: int | None
) -> dict[str, Any]:
    """A registration as its owner or an organiser sees it (personal data included)."""
    offered = registration.status == Status.OFFERED
    return {
        **{c: getattr(registration, c) for c in ROSTER_COLUMNS if c != "waitlist_position"},
        "event_id": event.id,
        "event_title": event.title,
        "waitlist_position": position,
        "updated_at": registration.updated_at,
        "erased": registration.erased_at is not None,
        "offer_expires_at": registration.offer_expires_at if offered else None,
    }


def organiser_registration(uow: RegistrationUnitOfWork, registration_id: str) -> dict[str, Any]:
    """One registration as an organiser sees it (what a confirmation page names), with what
    organisers changed about it, oldest first."""
    with uow:
        registration = uow.events.registration(registration_id)
        event = uow.events.get(registration.event_id, lock=False)
        shown = registration_view(event, registration, uow.events.waitlist_position(registration))
        history = [_history_entry(entry) for entry in uow.events.history(registration_id)]
        facts = {"verified": registration.verified, "timezone": event.timezone}
        return shown | facts | {"history": history}


def _history_entry(entry: HistoryEntry) -> dict[str, Any]:
    keys = ("action", "at", "by_id", "by_name", "old_value", "new_value", "reason")
    return {key: getattr(entry, key) for key in keys}


def _own(repository: EventRepository, registration: Registration) -> dict[str, Any]:
    event = repository.get(registration.event_id, lock=False)
    return registration_view(event, registration, repository.waitlist_position(registration))


def own_registration(uow: RegistrationUnitOfWork, registration: Registration) -> dict[str, Any]:
    """The view of one registration, with its current waiting-list position."""
    with uow:
        return _own(uow.events, registration)


def by_token(uow: RegistrationUnitOfWork, token: str, urls: PublicUrls) -> dict[str, Any]:
    """The registration its manage link shows, with the links of an open offer."""
    with uow:
        registration = uow.events.by_manage_token(token)
        shown = _own(uow.events, registration)
        if registration.status == Status.OFFERED and registration.offer_token:
            shown["accept_url"] = urls.offer(registration.offer_token, "accept")
            shown["decline_url"] = urls.offer(registration.offer_token, "decline")
        return shown


def _conditions(columns: Any, event: Event, filters: dict[str, str]) -> list:
    """The roster filters as SQL conditions on ``columns`` (the table or a subquery)."""
    found = [columns.event_id == event.id]
    found += [columns[key] == filters[key] for key in ("status", "role") if filters.get(key)]
    if filters.get("country"):
        found.append(columns.country == filters["country"].upper())
    if filters.get("organisation"):
        found.append(func.lower(columns.organisation) == filters["organisation"].lower())
    if filters.get("q"):
        text = filters["q"].lower()
        found.append(
            or_(
                func.lower(columns.name).contains(text, autoescape=True),
                func.lower(columns.organisation).contains(text, autoescape=True),
            )
        )
    return found


def _roster_query(event: Event, filters: dict[str, str]) -> Select:
    """Every matching registration with its waiting-list position, for a full export.

    Positions are numbered over the whole queue (one window pass) before filters apply, so
    a filtered export shows the same positions as the full roster.
    """
    waiting = func.row_number().over(
        partition_by=registrations.c.status, order_by=registrations.c.queue_number
    )
    position = case((registrations.c.status == Status.WAITLISTED, waiting), else_=None)
    queue = (
        select(registrations, position.label("waitlist_position"))
        .where(registrations.c.event_id == event.id)
        .subquery()
    )
    return select(queue).where(*_conditions(queue.c, event, filters))


def _page_query(event: Event, filters: dict[str, str]) -> Select:
    """Matching registrations, each waitlisted one with its position counted by the index,
    so a page costs its own rows however long the queue."""
    ahead = registrations.alias("ahead")
    position = (
        select(func.count())
        .where(ahead.c.event_id == registrations.c.event_id)
        .where(ahead.c.status == Status.WAITLISTED)
        .where(ahead.c.queue_number <= registrations.c.queue_number)
        .scalar_subquery()
    )
    waitlisted = registrations.c.status == Status.WAITLISTED
    return select(
        registrations, case((waitlisted, position), else_=None).label("waitlist_position")
    ).where(*_conditions(registrations.c, event, filters))


def _roster_row(event: Event, row: Any) -> dict[str, Any]:
    return {
        **{column: row[column] for column in ROSTER_COLUMNS},
        "event_id": event.id,
        "event_title": event.title,
        "updated_at": row["updated_at"],
        "erased": row["erased_at"] is not None,
    }


def _roster_rows(session: Session, event: Event, filters: dict[str, str]) -> Iterator[dict]:
    query = _roster_query(event, filters)
    order = query.selected_columns.queue_number
    rows = session.execute(query.order_by(order), execution_options={"yield_per": EXPORT_BATCH})
    for row in rows.mappings():
        yield _roster_row(event, row)


# What the roster sorts by (``sort``), each made total by the id after it.
ROSTER_SORTS = {
    "queue": registrations.c.queue_number,
    "name": func.lower(func.coalesce(registrations.c.name, "")),
    "organisation": func.lower(func.coalesce(registrations.c.organisation, "")),
    "country": func.coalesce(registrations.c.country, ""),
    "status": registrations.c.status,
    "registered": registrations.c.created_at,
}


def roster(
    uow: RegistrationUnitOfWork, event_id: str, filters: dict[str, str], page: PageRequest
) -> Page[dict[str, Any]]:
    """One page of the event's registrations, in queue order unless ``filters["sort"]`` names
    another of ROSTER_SORTS, with the filtered count."""
    sort = ROSTER_SORTS[filters.get("sort") or "queue"]
    with uow:
        event = _get_event(uow.session, event_id, True)
        matching = _conditions(registrations.c, event, filters)
        count = uow.session.scalar(select(func.count()).where(*matching))
        query = _page_query(event, filters).add_columns(sort.label("sort_key"))
        found = uow.session.execute(keyset(query, [sort, registrations.c.id], page)).mappings()
        key = itemgetter("sort_key", "id")
        return page_of(found, key, page, partial(_roster_row, event), count)


def roster_rows(
    uow: RegistrationUnitOfWork, event_id: str, filters: dict[str, str]
) -> Iterator[Sequence[Any]]:
    """Every matching registration's export columns (``ROSTER_COLUMNS``, in that order) in
    queue order, read as they are consumed.

    The unit of work stays open until the last row, so a streamed export holds one batch
    in memory at a time (``yield_per``; a server-side cursor on PostgreSQL). Only the export's
    columns are read, as the database's own row tuples: nothing is copied or looked up by
    name per row.
    """
    with uow:
        queue = _roster_query(_get_event(uow.session, event_id, True), filters).subquery()
        query = select(*(queue.c[column] for column in ROSTER_COLUMNS))
        rows = uow.session.execute(
            query.order_by(queue.c.queue_number), execution_options={"yield_per": EXPORT_BATCH}
        )
        yield from rows


def roster_table(rows: Iterable[Sequence[Any]]) -> tuple[list[str], Iterable[Sequence[Any]]]:
    """The roster as a spreadsheet: header and one row per registration, read as consumed."""
    return ROSTER_COLUMNS, rows


def roster_csv_chunks(rows: Iterable[Sequence[Any]], batch: int = 500) -> Iterator[str]:
    """The roster as export CSV text, a few hundred rows at a time (for a streamed response)."""
    return csv_chunks(*roster_table(rows), batch=batch)


def roster_csv(rows: Iterable[Sequence[Any]]) -> str:
    """The whole roster CSV as one text."""
    return "".join(roster_csv_chunks(rows))


def _counts(session: Session, event: Event, column, confirmed_only: bool = True) -> dict:
    """How many of the event's registrations have each value of ``column`` (one GROUP BY)."""
    query = select(column, func.count()).where(registrations.c.event_id == event.id)
    if confirmed_only:  # a participant is a confirmed registration whose address was verified
        query = query.where(
            registrations.c.status == Status.CONFIRMED, registrations.c.verified_at.is_not(None)
        )
    return {value: count for value, count in session.execute(query.group_by(column))}


def _report(session: Session, event: Event) -> dict[str, Any]:
    """The counts, each computed by the database; no registration is loaded."""
    by_type = _counts(session, event, registrations.c.organisation_type)
    return {
        "event_id": event.id,
        "title": event.title,
        "participants": sum(by_type.values()),
        "sme_count": by_type.get("sme", 0),
        "by_country": _counts(session, event, registrations.c.country),
        "by_role": _counts(session, event, registrations.c.role),
        "by_organisation_type": by_type,
        "by_status": _counts(session, event, registrations.c.status, confirmed_only=False),
        "attendance": attendance_report(session, event.id),
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
    attended = report["attendance"]
    rows += [
        ["attended", "attendees", attended["attendees"]],
        ["attended", "sme", attended["sme_count"]],
    ]
    for dimension in ("by_country", "by_role", "by_organisation_type"):
        for value, count in sorted(attended[dimension].items()):
            rows.append([f"attended_{dimension.removeprefix('by_')}", value, count])
    return ["dimension", "value", "count"], rows


def organiser_event(
    uow: RegistrationUnitOfWork, event_id: str, urls: PublicUrls, now: datetime
) -> dict[str, Any]:
    """What an organiser's event page shows besides the roster: the event and its report."""
    with uow:
        event = _get_event(uow.session, event_id, include_unpublished=True)
        return {
            "event": _event_view(uow.session, event, urls, now),
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
            "event": _event_view(uow.session, event, urls, now, organiser=False),
            "feed": subscription_links(urls.feed(registration.feed_token)),
            "my_visits_url": f"{urls.scheduling}/my/{registration.feed_token}",
            "offer_token": registration.offer_token
            if registration.status == Status.OFFERED
            else None,
            "attendance": participant_checkin(uow, registration),
        }


def offer_view(uow: RegistrationUnitOfWork, token: str, now: datetime) -> dict[str, Any]:
    """What the page of an offer link shows: the event, and until when the seat is held."""
    with uow:
        registration = uow.events.by_offer_token(token)
        event = uow.events.get(registration.event_id, lock=False)
        return {
            "event_title": event.title,
            "event_start": event.start,
            "timezone": event.timezone,
            "expires_at": registration.offer_expires_at,
            "state": registration.offer_state,
            "open": registration.status == Status.OFFERED and not registration.offer_lapsed(now),
        }
