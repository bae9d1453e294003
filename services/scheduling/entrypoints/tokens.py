"""Organiser resources to rotate or revoke the private feed tokens of participants and hosts."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.scheduling.entrypoints import schemas as s
from services.scheduling.entrypoints.auth import ORGANISER
from services.scheduling.service_layer import handlers, views
from shared.web import organiser_required

tokens_blp = Blueprint(
    "feed tokens", __name__, url_prefix="/api/v1", description="Private feed tokens"
)


def _app():
    return current_app.extensions["container"]


def _token_action(owner: str, action: str, schema, summary: str) -> None:
    """Register POST /<owner>s/<id>/feed-token/<action> calling handlers.<action>_feed_token."""
    handler = getattr(handlers, f"{action}_feed_token")
    present = views.registration_feed if owner == "registration" else views.host_view

    def view(owner_id):
        app = _app()
        return present(handler(owner, owner_id, app.uow(), app.clock), app.feeds)

    view.__name__ = view.__qualname__ = f"{action}_{owner}_token"
    view.__doc__ = summary
    decorated = organiser_required(tokens_blp.response(200, schema)(view))
    decorated = tokens_blp.doc(security=ORGANISER)(decorated)
    tokens_blp.post(f"/{owner}s/<owner_id>/feed-token/{action}")(decorated)


_token_action("registration", "rotate", s.FeedOutSchema, "New feed token; the old URL stops.")
_token_action("registration", "revoke", s.FeedOutSchema, "Stop the participant's feed URL.")
_token_action("host", "rotate", s.HostOutSchema, "New host feed token; the old URL stops.")
_token_action("host", "revoke", s.HostOutSchema, "Stop the host's feed URL.")
