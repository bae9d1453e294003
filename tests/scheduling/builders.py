"""Test data for scheduling: registration's messages, domain objects and request bodies."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.domain.commands import (
    EventSnapshot,
    HostDetails,
    Location,
    RegistrationSnapshot,
    ScheduleVisit,
    Venue,
)
from services.scheduling.domain.model import Programme
from shared import messages
from shared.messages import Envelope

BRUSSELS = ZoneInfo("Europe/Brussels")
EVENT_ID = "5f0c2a6e-3f1b-4c49-9a51-6d1f3c9b7e01"
PUBLISHED_AT = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def brussels(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


def event_payload(**changes: Any) -> dict[str, Any]:
    """An event snapshot as registration publishes it: a two-day Brussels workshop."""
    return {
        "event_id": EVENT_ID,
        "title": "Joint learning workshop on circular textiles",
        "kind": "joint_learning_workshop",
        "description": "Two days of cluster exchange.",
        "venue": {
            "name": "Maison des Clusters",
            "address": "Rue Royale 1",
            "city": "Brussels",
            "country": "BE",
            "lat": 50.85,
            "lon": 4.36,
        },
        "timezone": "Europe/Brussels",
        "start": brussels(2026, 5, 12, 9),
        "end": brussels(2026, 5, 13, 17),
        "status": "published",
        "sequence": 0,
        "updated_at": PUBLISHED_AT,
    } | changes


def registration_payload(
    registration_id: str, status: str = "confirmed", event: dict | None = None, **changes: Any
) -> dict[str, Any]:
    """A registration.* payload; the feed token is derived from the id unless given."""
    token = changes.pop("feed_token", f"feed-{registration_id}-{'x' * 20}")
    return {
        "registration_id": registration_id,
        "event": event or event_payload(),
        "status": status,
        "waitlist_position": None,
        "participant": {"name": "Ana Silva", "email": "ana@example.org", "language": "en"},
        "manage_url": "http://127.0.0.1:8001/manage/secret",
        "feed_token": token,
        "feed_url": f"http://127.0.0.1:8002/feeds/participants/{token}.ics",
        "reason": None,
    } | changes


def token_of(registration_id: str) -> dict[str, str]:
    """The participant credential header of a registration built by ``registration_payload``."""
    return {"X-Participant-Token": registration_payload(registration_id)["feed_token"]}


def envelope(message_type: str, payload: dict, occurred_at: datetime | None = None) -> Envelope:
    """A message as a consumer receives it: dumped by its contract, then loaded again."""
    sent = Envelope(type=message_type, payload=payload, producer="registration")
    if occurred_at is not None:
        sent = replace(sent, occurred_at=occurred_at)
    return messages.load(messages.dump(sent))


def visit_body(**changes: Any) -> dict[str, Any]:
    """A visit request body: the afternoon of day one at a Brussels lab."""
    return {
        "title": "Textile recycling lab",
        "description": "Tour of the sorting line.",
        "host": {
            "organisation": "ReTex Lab",
            "contact_name": "Bo Peeters",
            "contact_email": "bo@retex.example",
        },
        "location": {
            "name": "ReTex Lab",
            "address": "Havenlaan 86, Brussels",
            "lat": 50.87,
            "lon": 4.35,
        },
        "start": "2026-05-12T14:00:00+02:00",
        "end": "2026-05-12T16:00:00+02:00",
        "capacity": 12,
        "meeting_point": "Main entrance",
        "requirements": ["ID card", "Safety briefing"],
    } | changes


def snapshot(**changes: Any) -> EventSnapshot:
    data = event_payload(**changes)
    venue = Venue(**data.pop("venue"))
    data.pop("kind")
    return EventSnapshot(venue=venue, **data)


def programme(*confirmed: str) -> Programme:
    """A published programme with the given registrations confirmed."""
    built = Programme.from_snapshot(snapshot(), NOW)
    for registration_id in confirmed:
        built.record_registration(registered(registration_id), NOW)
    return built


def registered(
    registration_id: str, status: str = "confirmed", sent_at: datetime = PUBLISHED_AT
) -> RegistrationSnapshot:
    return RegistrationSnapshot(
        registration_id, EVENT_ID, status, f"feed-{registration_id}", sent_at
    )


AFTERNOON = brussels(2026, 5, 12, 14)


def schedule(
    start: datetime = AFTERNOON,
    hours: float = 2,
    organisation: str = "ReTex Lab",
    address: str = "Havenlaan 86, Brussels",
    capacity: int = 12,
    title: str = "Textile recycling lab",
) -> ScheduleVisit:
    return ScheduleVisit(
        event_id=EVENT_ID,
        title=title,
        host=HostDetails(organisation, "Bo Peeters", "bo@retex.example"),
        location=Location(organisation, address),
        start=start,
        end=start + timedelta(hours=hours),
        capacity=capacity,
    )


def new_id() -> str:
    return str(uuid.uuid4())
