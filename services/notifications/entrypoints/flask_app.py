"""The notifications service's Flask app (gunicorn: ``...flask_app:create_app()``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from flask import Flask

from services.notifications.bootstrap import bootstrap
from services.notifications.domain import errors
from services.notifications.domain.ports import Mailer
from services.notifications.entrypoints.api import notifications_blp
from services.notifications.entrypoints.pages import delivery_pages
from services.notifications.entrypoints.problem_texts import PROBLEMS
from services.notifications.webhooks.bootstrap import bootstrap_webhooks
from services.notifications.webhooks.entrypoints import api as webhooks_api
from services.notifications.webhooks.entrypoints.pages import webhook_pages
from shared.app_factory import create_service_app
from shared.infrastructure import utc_now
from shared.metrics import add_collector

DOMAIN_ERRORS = {
    errors.NotFound: 404,
    errors.NotResendable: 409,
} | webhooks_api.DOMAIN_ERRORS


def create_app(
    env: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] | None = None,
    mailer: Mailer | None = None,
) -> Flask:
    """Build the app from the environment (or the given mapping)."""
    container = bootstrap(env, clock or utc_now, mailer)
    registration = container.infrastructure.settings.public_urls["registration"]
    app = create_service_app(
        container.infrastructure,
        "Notifications API",
        [notifications_blp, webhooks_api.webhooks_blp],
        DOMAIN_ERRORS,
        container,
        problems=PROBLEMS,
        pages=[delivery_pages, webhook_pages],
        page_links={"home": f"{registration}/", "organiser_home": "/organiser/notifications"},
    )
    add_collector(app, container.metrics())
    app.extensions["webhooks"] = bootstrap_webhooks(container, env)
    return app
