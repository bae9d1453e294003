"""Where the thing a message is about can be read: the ``resource`` of a thin event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def resource_url(message_type: str, payload: Mapping[str, Any], urls: Mapping[str, str]) -> str:
    """The API URL of the event, registration roster, visit or exchange a message concerns.

    ``urls`` are the services' public base URLs. Registration messages point at the event's
    roster (organiser only): the event carries no id or name of the person.
    """
    family = message_type.split(".", 1)[0]
    if family == "visit":
        return f"{urls['scheduling']}/api/v1/visits/{payload['visit']['visit_id']}"
    if family == "exchange":
        return f"{urls['scheduling']}/api/v1/exchanges/{payload['exchange']['exchange_id']}"
    event_id = payload.get("event_id") or payload["event"]["event_id"]
    if family == "event":
        return f"{urls['registration']}/api/v1/events/{event_id}"
    return f"{urls['registration']}/api/v1/events/{event_id}/registrations"
