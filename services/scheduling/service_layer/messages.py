"""Translate domain events into the published contracts (see shared/contracts/scheduling)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.domain import events as ev


def visit_snapshot(visit: ev.VisitFacts, timezone: str) -> dict[str, Any]:
    """A visit as consumers see it, times in the event's zone: no host contact, no participants."""
    zone = ZoneInfo(timezone)
    location = visit.location
    return {
        "visit_id": visit.id,
        "event_id": visit.event_id,
        "title": visit.title,
        "host_organisation": visit.host_organisation,
        "location": {
            "name": location.name,
            "address": location.address,
            "lat": location.lat,
            "lon": location.lon,
        },
        "meeting_point": visit.meeting_point,
        "requirements": list(visit.requirements),
        "timezone": timezone,
        "start": visit.start.astimezone(zone),
        "end": visit.end.astimezone(zone),
        "capacity": visit.capacity,
        "status": visit.status,
        "sequence": visit.sequence,
        "updated_at": visit.updated_at,
    }


def to_message(event: ev.VisitEvent) -> tuple[str, dict[str, Any]]:
    """(message type, payload) for one domain event."""
    payload = {"visit": visit_snapshot(event.visit, event.timezone)}
    match event:
        case ev.VisitScheduled():
            return "visit.scheduled", payload
        case ev.VisitUpdated(changes=changes, participants=participants):
            changed = [vars(change) for change in changes]
            return "visit.updated", payload | {
                "changes": changed,
                "participants": list(participants),
            }
        case ev.VisitCancelled(participants=participants, reason=reason):
            return "visit.cancelled", payload | {
                "participants": list(participants),
                "reason": reason,
            }
        case ev.ParticipantAdded(registration_id=registration_id):
            return "visit.participant_added", payload | {"registration_id": registration_id}
        case ev.ParticipantRemoved(registration_id=registration_id, reason=reason):
            return "visit.participant_removed", payload | {
                "registration_id": registration_id,
                "reason": reason,
            }
    raise TypeError(f"no message for {event!r}")
