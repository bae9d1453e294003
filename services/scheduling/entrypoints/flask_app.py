"""The scheduling service's Flask app (gunicorn: ``...flask_app:create_app()``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from flask import Flask

from services.scheduling.bootstrap import bootstrap
from services.scheduling.domain import errors
from services.scheduling.entrypoints.api import participants_blp, visits_blp
from services.scheduling.entrypoints.blocks import blocks_blp
from services.scheduling.entrypoints.feed_cache import FeedCache
from services.scheduling.entrypoints.feeds import feeds_blp
from services.scheduling.entrypoints.tokens import tokens_blp
from shared.app_factory import create_service_app
from shared.infrastructure import utc_now

DOMAIN_ERRORS: dict[type[Exception], int] = {
    errors.NotFound: 404,
    errors.InvalidVisit: 422,
    errors.Forbidden: 403,
    errors.NotConfirmed: 409,
    errors.VisitFull: 409,
    errors.ParticipantOverlap: 409,
    errors.HostConflict: 409,
    errors.OutsideEvent: 409,
    errors.InvalidTransition: 409,
    errors.Conflict: 409,
}


def create_app(
    env: Mapping[str, str] | None = None, clock: Callable[[], datetime] = utc_now
) -> Flask:
    """Build the app from the environment (or the given mapping)."""
    container = bootstrap(env, clock)
    app = create_service_app(
        container.infrastructure,
        "Scheduling API",
        [visits_blp, participants_blp, blocks_blp, tokens_blp, feeds_blp],
        DOMAIN_ERRORS,
        container,
    )
    app.extensions["feed_cache"] = FeedCache(container.feed_cache_seconds)
    return app
