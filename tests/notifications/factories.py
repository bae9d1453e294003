"""Messages as registration and scheduling publish them, and email helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from icalendar import Calendar

from shared import messages
from shared.messages import Envelope

NOW = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
EVENT_ID = "ev-1"
EVENT_START = datetime(2025, 5, 14, 7, 30, tzinfo=UTC)  # 09:30 in Brussels
VISIT_START = datetime(2025, 5, 15, 11, 0, tzinfo=UTC)


def event(**overrides: Any) -> dict[str, Any]:
    """An event snapshot as in every registration message."""
    return {
        "event_id": EVENT_ID,
        "title": "Smart Mobility Matchmaking",
        "kind": "joint_learning_workshop",
        "description": "Two days of cluster matchmaking.",
        "venue": {"name": "Square", "address": "Mont des Arts", "city": "Brussels"},
        "timezone": "Europe/Brussels",
        "start": EVENT_START,
        "end": EVENT_START + timedelta(hours=8),
        "status": "published",
        "sequence": 0,
        "updated_at": NOW - timedelta(days=10),
    } | overrides


def registration(status: str, number: int = 1, **overrides: Any) -> dict[str, Any]:
    """A registration.* payload for participant ``number``."""
    return {
        "registration_id": f"reg-{number}",
        "event": event(),
        "status": status,
        "waitlist_position": None,
        "participant": {
            "name": f"Anna Müller {number}",
            "email": f"anna{number}@example.eu",
            "language": "en",
        },
        "manage_url": f"https://cx.example.eu/manage/token-{number}",
        "feed_token": f"feed-{number}",
        "feed_url": f"https://cx.example.eu/feeds/participants/feed-{number}.ics",
        "reason": None,
    } | overrides


def visit(**overrides: Any) -> dict[str, Any]:
    """A visit snapshot as in every visit.* message."""
    return {
        "visit_id": "v-1",
        "event_id": EVENT_ID,
        "title": "Port of Antwerp-Bruges",
        "host_organisation": "Port Authority",
        "location": {"name": "Havenhuis", "address": "Zaha Hadidplein 1", "city": "Antwerpen"},
        "meeting_point": None,
        "timezone": "Europe/Brussels",
        "start": VISIT_START,
        "end": VISIT_START + timedelta(hours=3),
        "capacity": 20,
        "status": "scheduled",
        "sequence": 0,
        "updated_at": NOW - timedelta(days=5),
    } | overrides


def envelope(message_type: str, payload: dict[str, Any], at: datetime = NOW) -> Envelope:
    """A loaded envelope, exactly as the Worker hands it to a handler."""
    producer = "scheduling" if message_type.startswith("visit.") else "registration"
    built = Envelope(type=message_type, payload=payload, producer=producer, occurred_at=at)
    return messages.load(messages.dump(built))


def erased(number: int = 1) -> Envelope:
    payload = {"registration_id": f"reg-{number}", "event_id": EVENT_ID, "erased_at": NOW}
    return envelope("participant.erased", payload)


def calendar_of(email: EmailMessage) -> Calendar | None:
    """The iMIP calendar of a received email, checking its MIME parameters match the body."""
    parts = [part for part in email.walk() if part.get_content_type() == "text/calendar"]
    if not parts:
        return None
    (part,) = parts
    calendar = Calendar.from_ical(part.get_content())
    assert part.get_param("method") == calendar["METHOD"]
    assert part.get_content_charset() == "utf-8"
    return calendar


def invitation_facts(email: EmailMessage) -> tuple[str, str, int]:
    """(METHOD, UID, SEQUENCE) of the email's calendar part."""
    calendar = calendar_of(email)
    assert calendar is not None, "the email carries no calendar part"
    (vevent,) = calendar.events
    return str(calendar["METHOD"]), str(vevent["UID"]), int(vevent["SEQUENCE"])
