"""Turn loaded message payloads (shared/contracts) into read-model records."""

from __future__ import annotations

from typing import Any

from services.notifications.domain.readmodel import EventSnapshot, Recipient, VisitSnapshot


def place(venue: dict[str, Any], meeting_point: str | None = None) -> str:
    """A one-line address: venue name, address, city; and where to meet, if given."""
    text = ", ".join(part for part in (venue["name"], venue["address"], venue.get("city")) if part)
    return f"{text} (meeting point: {meeting_point})" if meeting_point else text


def event_snapshot(data: dict[str, Any], cancel_reason: str | None = None) -> EventSnapshot:
    return EventSnapshot(
        event_id=data["event_id"],
        title=data["title"],
        description=data.get("description") or None,
        location=place(data["venue"]),
        timezone=data["timezone"],
        start=data["start"],
        end=data["end"],
        status=data["status"],
        sequence=data["sequence"],
        updated_at=data["updated_at"],
        cancel_reason=cancel_reason,
    )


def visit_snapshot(data: dict[str, Any]) -> VisitSnapshot:
    return VisitSnapshot(
        visit_id=data["visit_id"],
        event_id=data["event_id"],
        title=data["title"],
        description=f"Hosted by {data['host_organisation']}.",
        location=place(data["location"], data.get("meeting_point")),
        timezone=data["timezone"],
        start=data["start"],
        end=data["end"],
        status=data["status"],
        sequence=data["sequence"],
        updated_at=data["updated_at"],
    )


def recipient(payload: dict[str, Any]) -> Recipient:
    """The person of a registration.* message, as they now stand."""
    participant = payload["participant"]
    return Recipient(
        registration_id=payload["registration_id"],
        event_id=payload["event"]["event_id"],
        name=participant["name"],
        email=participant["email"],
        language=participant["language"],
        manage_url=payload["manage_url"],
        feed_url=payload["feed_url"],
        status=payload["status"],
    )
