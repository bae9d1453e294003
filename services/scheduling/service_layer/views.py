"""Read-side queries returning the shapes the API shows; nothing here changes state.

Each query opens its own unit of work, so an entrypoint never holds a session itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.domain.blocks import Block
from services.scheduling.domain.model import Programme
from services.scheduling.domain.registrations import Registration
from services.scheduling.domain.visits import Host, Visit
from services.scheduling.service_layer.feeds import EVENT, HOST, PARTICIPANT, FeedSettings
from services.scheduling.service_layer.unit_of_work import SchedulingUnitOfWork
from shared.calendar_links import subscription_links


@dataclass(frozen=True)
class ParticipantPage:
    registration: dict[str, str]
    title: str | None = None
    visits: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Planner:
    programme: dict[str, Any]
    visits: list[dict[str, Any]]
    blocks: list[dict[str, Any]]


VISIT_FIELDS = (
    "id",
    "event_id",
    "title",
    "description",
    "meeting_point",
    "requirements",
    "capacity",
    "status",
    "sequence",
    "block_id",
    "cancel_reason",
    "created_at",
    "updated_at",
)


UOW = SchedulingUnitOfWork


def visits(uow: UOW, event_id: str, feeds: FeedSettings, organiser: bool) -> list[dict[str, Any]]:
    with uow:
        programme = uow.programmes.get(event_id, lock=False)
        return [visit_view(programme, visit, feeds, organiser) for visit in programme.visits]


def visit(uow: UOW, visit_id: str, feeds: FeedSettings, organiser: bool) -> dict[str, Any]:
    with uow:
        programme = uow.programmes.for_visit(visit_id, lock=False)
        return visit_view(programme, programme.visit(visit_id), feeds, organiser)


def visit_view(
    programme: Programme, visit: Visit, feeds: FeedSettings, organiser: bool
) -> dict[str, Any]:
    """A visit with its seats; organisers also see the host contact and who is booked."""
    zone = ZoneInfo(programme.timezone)
    view = {
        **{key: getattr(visit, key) for key in VISIT_FIELDS},
        "timezone": programme.timezone,
        "start": visit.start.astimezone(zone),
        "end": visit.end.astimezone(zone),
        "location": vars(visit.location),
        "host": {"organisation": visit.host.organisation},
        "seats_taken": len(visit.bookings),
        "seats_left": visit.seats_left(),
        "event_feed": subscription_links(feeds.url(EVENT, programme.id)),
    }
    if organiser:
        view["host"] = host_view(visit.host, feeds)
        view["participants"] = [
            {"registration_id": b.registration_id, "booked_at": b.booked_at}
            for b in sorted(visit.bookings, key=lambda b: b.booked_at)
        ]
    return view


def joined(uow: UOW, visit_id: str, registration_id: str, feeds: FeedSettings) -> dict:
    """A booking as the participant (or organiser) who made it sees it, with the feed links."""
    with uow:
        programme = uow.programmes.for_visit(visit_id, lock=False)
        registration = programme.registration(registration_id)
        return {
            "visit_id": visit_id,
            "registration_id": registration_id,
            "seats_left": programme.visit(visit_id).seats_left(),
            "feed": _links(feeds, PARTICIPANT, registration.feed_token),
        }


def event_feed_links(uow: UOW, event_id: str, feeds: FeedSettings) -> dict[str, str]:
    with uow:
        programme = uow.programmes.get(event_id, lock=False)
        return subscription_links(feeds.url(EVENT, programme.id))


def hosts(uow: UOW, event_id: str, feeds: FeedSettings) -> list[dict[str, Any]]:
    with uow:
        programme = uow.programmes.get(event_id, lock=False)
        return [host_view(host, feeds) for host in programme.hosts]


def host_view(host: Host, feeds: FeedSettings) -> dict[str, Any]:
    """A host as organisers see it, with the links of its private feed (unless revoked)."""
    return {
        "id": host.id,
        "organisation": host.organisation,
        "contact_name": host.contact_name,
        "contact_email": host.contact_email,
        "feed": _links(feeds, HOST, host.feed_token),
    }


def registration_feed(registration: Registration, feeds: FeedSettings) -> dict[str, Any]:
    """A participant's feed links (None while revoked)."""
    return {
        "registration_id": registration.id,
        "event_id": registration.event_id,
        "feed": _links(feeds, PARTICIPANT, registration.feed_token),
    }


def blocks(uow: UOW, event_id: str, organiser: bool) -> list[dict[str, Any]]:
    with uow:
        programme = uow.programmes.get(event_id, lock=False)
        return [block_view(programme, block, organiser) for block in programme.blocks]


def block(uow: UOW, block_id: str, organiser: bool) -> dict[str, Any]:
    with uow:
        programme = uow.programmes.for_block(block_id, lock=False)
        return block_view(programme, programme.block(block_id), organiser)


def block_view(programme: Programme, block: Block, organiser: bool) -> dict[str, Any]:
    """A block and its visits; organisers also see how many ranked and the allocation."""
    view = {
        "id": block.id,
        "event_id": block.event_id,
        "title": block.title,
        "status": block.status,
        "visit_ids": [visit.id for visit in programme.block_visits(block)],
        "created_at": block.created_at,
        "closed_at": block.closed_at,
    }
    if organiser:
        view["preferences"] = len(block.preferences)
        view["seed"] = block.seed
        view["allocation"] = [
            {
                "registration_id": p.registration_id,
                "visit_id": p.allocated_visit_id,
                "rank": p.allocated_rank,
            }
            for p in sorted(block.preferences, key=lambda p: p.registration_id)
        ]
    return view


def allocation(uow: UOW, block_id: str) -> dict[str, Any]:
    """The outcome of a closed block: how many got which rank, and who was not placed."""
    with uow:
        programme = uow.programmes.for_block(block_id, lock=False)
        return _allocation(programme, programme.block(block_id))


def _allocation(programme: Programme, block: Block) -> dict[str, Any]:
    ranks = Counter(p.allocated_rank for p in block.preferences if p.allocated_rank)
    unplaced = [p.registration_id for p in block.preferences if not p.allocated_visit_id]
    return {
        "block": block_view(programme, block, organiser=True),
        "placed": len(block.preferences) - len(unplaced),
        "unplaced": sorted(unplaced),
        "ranks": {str(rank): count for rank, count in sorted(ranks.items())},
    }


def registration_for_token(uow: UOW, token: str | None) -> str | None:
    """The id of the registration whose feed token this is (the participant's credential)."""
    with uow:
        registration = uow.programmes.registration_by_token(token)
        return None if registration is None else registration.id


def participant_page(uow: UOW, token: str, feeds: FeedSettings) -> ParticipantPage | None:
    """What "my visits" shows; None for an unknown token, no programme while unpublished."""
    with uow:
        registration = uow.programmes.registration_by_token(token)
        if registration is None:
            return None
        programme = uow.programmes.find(registration.event_id, lock=False)
        mine = {"id": registration.id, "status": registration.status}
        if programme is None:
            return ParticipantPage(mine)
        return ParticipantPage(
            mine,
            programme.title,
            [visit_view(programme, visit, feeds, True) for visit in programme.visits],
            [block_view(programme, block, True) for block in programme.blocks],
        )


def planner(uow: UOW, event_id: str, feeds: FeedSettings) -> Planner:
    """The event and all it holds, as organisers see it."""
    with uow:
        programme = uow.programmes.get(event_id, lock=False)
        return Planner(
            {"id": programme.id, "title": programme.title, "timezone": programme.timezone},
            [visit_view(programme, visit, feeds, True) for visit in programme.visits],
            [block_view(programme, block, True) for block in programme.blocks],
        )


def timezone(uow: UOW, event_id: str) -> str:
    with uow:
        return uow.programmes.get(event_id, lock=False).timezone


def block_event(uow: UOW, block_id: str) -> str:
    """The id of the event a block belongs to."""
    with uow:
        return uow.programmes.for_block(block_id, lock=False).id


def _links(feeds: FeedSettings, kind: str, token: str | None) -> dict[str, str] | None:
    return subscription_links(feeds.url(kind, token)) if token else None
