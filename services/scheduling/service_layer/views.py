"""Read-side queries returning the shapes the API shows; nothing here changes state."""

from __future__ import annotations

from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scheduling.adapters.orm import registrations
from services.scheduling.adapters.repository import ProgrammeRepository, plausible_key
from services.scheduling.domain.blocks import Block
from services.scheduling.domain.model import Programme
from services.scheduling.domain.registrations import Registration
from services.scheduling.domain.visits import Host, Visit
from services.scheduling.service_layer.feeds import EVENT, HOST, PARTICIPANT, FeedSettings
from shared.calendar_links import subscription_links

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


def visits(
    session: Session, event_id: str, feeds: FeedSettings, organiser: bool
) -> list[dict[str, Any]]:
    programme = ProgrammeRepository(session).get(event_id, lock=False)
    return [visit_view(programme, visit, feeds, organiser) for visit in programme.visits]


def visit(session: Session, visit_id: str, feeds: FeedSettings, organiser: bool) -> dict[str, Any]:
    programme = ProgrammeRepository(session).for_visit(visit_id, lock=False)
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


def joined(session: Session, visit_id: str, registration_id: str, feeds: FeedSettings) -> dict:
    """A booking as the participant (or organiser) who made it sees it, with the feed links."""
    programme = ProgrammeRepository(session).for_visit(visit_id, lock=False)
    registration = programme.registration(registration_id)
    return {
        "visit_id": visit_id,
        "registration_id": registration_id,
        "seats_left": programme.visit(visit_id).seats_left(),
        "feed": _links(feeds, PARTICIPANT, registration.feed_token),
    }


def event_feed_links(session: Session, event_id: str, feeds: FeedSettings) -> dict[str, str]:
    programme = ProgrammeRepository(session).get(event_id, lock=False)
    return subscription_links(feeds.url(EVENT, programme.id))


def hosts(session: Session, event_id: str, feeds: FeedSettings) -> list[dict[str, Any]]:
    programme = ProgrammeRepository(session).get(event_id, lock=False)
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


def blocks(session: Session, event_id: str, organiser: bool) -> list[dict[str, Any]]:
    programme = ProgrammeRepository(session).get(event_id, lock=False)
    return [block_view(programme, block, organiser) for block in programme.blocks]


def block(session: Session, block_id: str, organiser: bool) -> dict[str, Any]:
    programme = ProgrammeRepository(session).for_block(block_id, lock=False)
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


def allocation(session: Session, block_id: str) -> dict[str, Any]:
    """The outcome of a closed block: how many got which rank, and who was not placed."""
    programme = ProgrammeRepository(session).for_block(block_id, lock=False)
    block = programme.block(block_id)
    ranks = Counter(p.allocated_rank for p in block.preferences if p.allocated_rank)
    unplaced = [p.registration_id for p in block.preferences if not p.allocated_visit_id]
    return {
        "block": block_view(programme, block, organiser=True),
        "placed": len(block.preferences) - len(unplaced),
        "unplaced": sorted(unplaced),
        "ranks": {str(rank): count for rank, count in sorted(ranks.items())},
    }


def registration_for_token(session: Session, token: str | None) -> Registration | None:
    """The registration whose feed token this is (the participant's credential here)."""
    if not plausible_key(token):
        return None
    query = select(Registration).where(registrations.c.feed_token == token)
    return session.scalars(query).first()


def _links(feeds: FeedSettings, kind: str, token: str | None) -> dict[str, str] | None:
    return subscription_links(feeds.url(kind, token)) if token else None
