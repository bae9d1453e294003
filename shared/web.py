"""Flask plumbing every service shares: correlation ids, organiser auth, health probes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from sqlalchemy import Engine, text

from shared.broker import brief_connection
from shared.config import BrokerSettings
from shared.correlation import _correlation_id, current_correlation_id
from shared.credentials import CredentialStore, Organiser
from shared.problems import problem

log = logging.getLogger("http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def init_web(
    app: Flask, credentials: CredentialStore, engine: Engine, broker: BrokerSettings
) -> None:
    """Install correlation ids, the credential store and /healthz + /readyz on an app."""
    app.extensions["credentials"] = credentials

    @app.before_request
    def _start_correlation() -> None:
        g.correlation_token = _correlation_id.set(request_correlation_id(request.environ))

    @app.after_request
    def _echo_correlation(response: Response) -> Response:
        response.headers["X-Correlation-ID"] = _correlation_id.get() or ""
        # the route pattern, not the path: paths carry private tokens
        route = request.url_rule.rule if request.url_rule else "(no route)"
        log_request(request.method, route, response.status_code)
        return response

    @app.teardown_request
    def _end_correlation(_exc) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            _correlation_id.reset(token)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        try:
            with engine.connect() as db:
                db.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means not ready
            return problem(503, "The database is not reachable.")
        if not broker_reachable(broker):
            return problem(503, "The message broker is not reachable.")
        return jsonify(status="ready")


def request_correlation_id(environ: Mapping[str, Any]) -> str:
    """The caller's X-Correlation-ID when it is a safe token, else the current or a new id."""
    incoming = environ.get("HTTP_X_CORRELATION_ID", "")  # X-Correlation-ID
    return incoming if _SAFE_ID.match(incoming) else current_correlation_id()


def log_request(method: str, route: str, status: int) -> None:
    """The access log line of a request, by route pattern (a path may hold a private token)."""
    if log.isEnabledFor(logging.INFO):
        log.info("request", extra={"method": method, "route": route, "status": status})


def broker_reachable(settings: BrokerSettings) -> bool:
    """Can we open a connection to the broker right now (briefly, no retries)?"""
    try:
        with brief_connection(settings) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False
    return True


def bearer_token() -> str | None:
    """The bearer token of the current request, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_organiser() -> Organiser | None:
    """The organiser behind the request's bearer token, or None."""
    store: CredentialStore = current_app.extensions["credentials"]
    return store.authenticate(bearer_token())


def unauthorised() -> Response:
    """401 with the Bearer challenge."""
    response = problem(401, "An organiser credential is required (Authorization: Bearer ...).")
    response.headers["WWW-Authenticate"] = 'Bearer realm="organisers"'
    return response


def organiser_required(view: Callable) -> Callable:
    """Decorator: only requests with a valid organiser credential reach the view."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        organiser = current_organiser()
        if organiser is None:
            return unauthorised()
        g.organiser = organiser
        return view(*args, **kwargs)

    return wrapped
