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
from services.scheduling.entrypoints.feeds import FEEDS_PREFIX, Revalidation, feeds_blp
from services.scheduling.entrypoints.pages import participant_pages
from services.scheduling.entrypoints.planner_pages import planner_pages
from services.scheduling.entrypoints.problem_texts import PROBLEMS
from services.scheduling.entrypoints.tokens import tokens_blp
from services.scheduling.exchanges.entrypoints.api import exchanges_blp
from services.scheduling.exchanges.entrypoints.pages import exchange_pages
from services.scheduling.exchanges.entrypoints.party_pages import party_pages
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
    errors.Ineligible: 422,
    errors.ActiveExchangeExists: 409,
}


def create_app(
    env: Mapping[str, str] | None = None, clock: Callable[[], datetime] = utc_now
) -> Flask:
    """Build the app from the environment (or the given mapping)."""
    container = bootstrap(env, clock)
    app = create_service_app(
        container.infrastructure,
        "Scheduling API",
        [visits_blp, participants_blp, blocks_blp, tokens_blp, exchanges_blp, feeds_blp],
        DOMAIN_ERRORS,
        container,
        problems=PROBLEMS,
        pages=[participant_pages, planner_pages, exchange_pages, party_pages],
        page_links=_page_links(container.infrastructure.settings.public_urls),
        sessionless=(FEEDS_PREFIX,),  # calendar apps poll feeds; no page session concerns them
    )
    cache = app.extensions["feed_cache"] = FeedCache(container.feed_cache_seconds)
    app.wsgi_app = Revalidation(app, cache, app.extensions["metrics"])  # type: ignore[method-assign]
    return app


def _page_links(public_urls: Mapping[str, str]) -> dict[str, str]:
    """The workshop list and the organiser's event list live on registration."""
    registration = public_urls["registration"]
    return {"home": f"{registration}/", "organiser_home": f"{registration}/organiser/"}
