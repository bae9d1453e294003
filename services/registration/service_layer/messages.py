"""Translate domain events into the published contracts (see shared/contracts/registration)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.registration.domain import events as ev
from services.registration.domain.model import Event, Registration


@dataclass(frozen=True)
class PublicUrls:
    """Where people reach their manage page and their calendar feed."""

    registration: str
    scheduling: str

    def manage(self, token: str) -> str:
        return f"{self.registration}/manage/{token}"

    def feed(self, token: str) -> str:
        return f"{self.scheduling}/feeds/participants/{token}.ics"


def venue(event: Event) -> dict[str, Any]:
    """The event's venue as one nested value."""
    return {
        "name": event.venue_name,
        "address": event.venue_address,
        "city": event.venue_city,
        "country": event.venue_country,
        "lat": event.venue_lat,
        "lon": event.venue_lon,
    }


def event_snapshot(event: Event) -> dict[str, Any]:
    return {
        "event_id": event.id,
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "venue": venue(event),
        "timezone": event.timezone,
        "start": event.start,
        "end": event.end,
        "status": "cancelled" if event.status == "cancelled" else "published",
        "sequence": event.sequence,
        "updated_at": event.updated_at,
    }


def _registration(
    event: Event, registration: Registration, urls: PublicUrls, reason, position: int | None
) -> dict:
    return {
        "registration_id": registration.id,
        "event": event_snapshot(event),
        "status": registration.status,
        "waitlist_position": position,
        "participant": {
            "name": registration.name,
            "email": registration.email,
            "language": registration.language,
        },
        "manage_url": urls.manage(registration.manage_token),
        "feed_token": registration.feed_token,
        "feed_url": urls.feed(registration.feed_token),
        "reason": reason,
    }


def to_message(event: Event, domain_event: Any, urls: PublicUrls) -> tuple[str, dict[str, Any]]:
    """(message type, payload) for one domain event raised by ``event``."""
    match domain_event:
        case ev.EventPublished():
            return "event.published", event_snapshot(event)
        case ev.EventUpdated(changes=changes):
            return "event.updated", event_snapshot(event) | {"changes": list(changes)}
        case ev.EventCancelled(reason=reason):
            return "event.cancelled", event_snapshot(event) | {"reason": reason}
        case ev.RegistrationChanged(kind, registration, reason, position):
            return f"registration.{kind}", _registration(
                event, registration, urls, reason, position
            )
        case ev.ParticipantErased(registration_id=rid, event_id=eid, erased_at=at):
            return "participant.erased", {"registration_id": rid, "event_id": eid, "erased_at": at}
    raise TypeError(f"no message for {domain_event!r}")
