"""Build a service's Flask app the same way everywhere: OpenAPI, problem+json, health, auth."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_smorest import Api, Blueprint

from shared.infrastructure import Infrastructure
from shared.logging_setup import configure_logging
from shared.problems import register_problem_handlers
from shared.web import init_web

SWAGGER_UI_CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"


def create_service_app(
    infrastructure: Infrastructure,
    title: str,
    blueprints: Iterable[Blueprint],
    domain_errors: dict[type[Exception], int],
    container: object,
) -> Flask:
    """A Flask app serving the blueprints under one OpenAPI document at /openapi.json."""
    service = infrastructure.settings.service
    configure_logging(service, infrastructure.settings.log_level)
    app = Flask(f"services.{service}")
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
    app.extensions["container"] = container
    return app
