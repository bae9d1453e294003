"""Who acts for a registration: an organiser (bearer credential) or the participant themselves.

Scheduling never sees registration's manage token, so a participant proves who they are with
the private token of their calendar feed, sent as ``X-Participant-Token``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from flask import abort, current_app, request

from services.scheduling.domain.errors import Forbidden
from services.scheduling.service_layer import views
from shared.web import current_organiser

PARTICIPANT_HEADER = "X-Participant-Token"
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # registration's secrets.token_urlsafe(32)
FRESH_TOKEN_WAIT = 3.0  # seconds a fresh registration may take to reach scheduling
ORGANISER: list[dict[str, list[str]]] = [{"organiser": []}]
PARTICIPANT_OR_ORGANISER = {
    "security": ORGANISER + [{}],
    "parameters": [
        {
            "in": "header",
            "name": PARTICIPANT_HEADER,
            "required": False,
            "schema": {"type": "string"},
            "description": "A participant's feed token, when no organiser credential is sent.",
        }
    ],
}


@dataclass(frozen=True)
class Actor:
    """The registration a request acts for, and whether an organiser does it."""

    registration_id: str
    organiser: bool


def acting_for(registration_id: str | None) -> Actor:
    """An organiser must name the registration; a participant may only act for their own."""
    if current_organiser() is not None:
        if not registration_id:
            abort(422, description="registration_id is required when an organiser acts")
        return Actor(registration_id, organiser=True)
    token = request.headers.get(PARTICIPANT_HEADER)
    # a token shaped like registration's may be fresher than our read model: wait briefly
    deadline = time.monotonic() + (FRESH_TOKEN_WAIT if FEED_TOKEN.fullmatch(token or "") else 0)
    while True:
        container = current_app.extensions["container"]
        registration_id_of_token = views.registration_for_token(container.uow(), token)
        if registration_id_of_token is not None or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if registration_id_of_token is None:
        abort(
            401,
            description=f"An organiser credential (Authorization: Bearer ...) or your "
            f"participant token ({PARTICIPANT_HEADER}) is required.",
        )
    if registration_id and registration_id != registration_id_of_token:
        raise Forbidden("a participant may only act for their own registration")
    return Actor(registration_id_of_token, organiser=False)
