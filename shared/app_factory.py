"""Build a service's Flask app the same way everywhere: OpenAPI, problem+json, health, auth."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Blueprint as PlainBlueprint
from flask import Flask
from flask_smorest import Api, Blueprint

from shared.infrastructure import Infrastructure
from shared.logging_setup import configure_logging
from shared.metrics import init_metrics
from shared.pages import init_pages, secret_key
from shared.problems import register_problem_handlers
from shared.ratelimit import init_rate_limit
from shared.request_limits import init_request_limits
from shared.web import init_web

SWAGGER_UI_CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"


def create_service_app(
    infrastructure: Infrastructure,
    title: str,
    blueprints: Iterable[Blueprint],
    domain_errors: dict[type[Exception], int],
    container: object,
    pages: Iterable[PlainBlueprint] = (),
    page_links: Mapping[str, str] | None = None,
) -> Flask:
    """A Flask app serving the blueprints under one OpenAPI document at /openapi.json.

    ``pages`` are plain blueprints of server-rendered pages (kept out of the OpenAPI document)
    sharing the layout, CSRF checks and organiser login of ``shared.pages``.
    """
    service = infrastructure.settings.service
    configure_logging(service, infrastructure.settings.log_level)
    app = Flask(f"services.{service}", static_folder=None)  # /static/ comes from shared.pages
    # first, so the request timer also sees requests that a later before_request answers
    init_metrics(app, service, infrastructure.engine, infrastructure.settings.broker)

    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_CDN,
        JSON_SORT_KEYS=False,
    )
    api = Api(app)
    api.spec.components.security_scheme(
        "organiser", {"type": "http", "scheme": "bearer", "description": "Organiser credential"}
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    register_problem_handlers(app, domain_errors)
    init_web(app, infrastructure.credentials, infrastructure.engine, infrastructure.settings.broker)
    init_rate_limit(app, infrastructure.settings.public_write_rate_limit)
    init_request_limits(app, infrastructure.settings.max_content_length)
    app.extensions["container"] = container
    pages = list(pages)
    if pages:
        settings = infrastructure.settings
        key = secret_key(settings.secret_key, settings.organiser_credentials_file)
        init_pages(app, service, key, page_links or {})
        for page_blueprint in pages:
            app.register_blueprint(page_blueprint)
    return app
