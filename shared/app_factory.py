"""Build a service's Flask app the same way everywhere: OpenAPI, problem+json, health, auth."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

from flask import Blueprint as PlainBlueprint
from flask import Flask
from flask_smorest import Api, Blueprint
from werkzeug.middleware.proxy_fix import ProxyFix

from shared.api_docs.swagger_ui import init_api_docs
from shared.hardening import init_hardening
from shared.idempotency import IdempotencyDocs, init_idempotency
from shared.infrastructure import Infrastructure
from shared.logging_setup import configure_logging
from shared.metrics import init_metrics
from shared.pages.csrf import SignedCookieSessions
from shared.pages.layout import init_pages
from shared.pages.login import secret_key
from shared.pages.sessions import session_store
from shared.problems import register_problem_handlers
from shared.ratelimit import init_rate_limit
from shared.request_limits import init_request_limits
from shared.web import init_web


class ServiceFlask(Flask):
    """Flask, asking once per function rather than on every call whether a hook or view is
    ``async``: Flask asks ``inspect`` for each of the dozen hooks of every request."""

    _SYNC_KEPT = 512  # hooks and views are few; per-request callbacks are not kept past this

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        sync = self._sync.get(func)
        if sync is None:
            sync = super().ensure_sync(func)
            if len(self._sync) < self._SYNC_KEPT:
                self._sync[func] = sync
        return sync


def create_service_app(
    infrastructure: Infrastructure,
    title: str,
    blueprints: Iterable[Blueprint],
    domain_errors: dict[type[Exception], int],
    container: object,
    pages: Iterable[PlainBlueprint] = (),
    page_links: Mapping[str, str] | None = None,
    problems: Iterable[str] = (),
    sessionless: tuple[str, ...] = (),
) -> Flask:
    """A Flask app serving the blueprints under one OpenAPI document at /openapi.json.

    ``pages`` are plain blueprints of server-rendered pages (kept out of the OpenAPI document)
    sharing the layout, CSRF checks and organiser login of ``shared.pages``; they show the
    ``problems`` listed (English problem messages) in the page's language. Requests under
    the ``sessionless`` path prefixes never open the visitor's session.
    """
    settings = infrastructure.settings
    service = settings.service
    configure_logging(service, settings.log_level)
    # /static/ comes from shared.pages
    app = ServiceFlask(f"services.{service}", static_folder=None)
    app.secret_key = secret_key(settings)
    app.session_interface = SignedCookieSessions(sessionless)
    # first, so the request timer also sees requests that a later before_request answers
    init_metrics(app, service, infrastructure.engine, infrastructure.settings.broker)

    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
    )
    api = Api(app, spec_kwargs={"extra_plugins": [IdempotencyDocs()]})
    api.spec.components.security_scheme(
        "organiser", {"type": "http", "scheme": "bearer", "description": "Organiser credential"}
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    init_api_docs(app)
    register_problem_handlers(app, domain_errors)
    init_hardening(app)
    init_web(app, infrastructure.credentials, infrastructure.engine, infrastructure.settings.broker)
    init_rate_limit(app, service, settings.public_write_rate_limit, settings.rate_limit_storage_url)
    if settings.trusted_proxies:  # opt in: otherwise forwarded headers are ignored
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    init_request_limits(
        app, settings.max_content_length
    )  # reject oversized or deep bodies before any key is claimed
    init_idempotency(app, infrastructure.engine, infrastructure.clock)  # after the rate limit
    app.extensions["container"] = container
    pages = list(pages)
    if pages:
        lifetime = timedelta(hours=settings.organiser_session_hours)
        store_url = settings.organiser_session_store_url
        sessions = session_store(store_url, infrastructure.clock, lifetime)
        init_pages(app, settings, sessions, page_links or {}, problems)
        for page_blueprint in pages:
            app.register_blueprint(page_blueprint)
    return app
