"""Errors over HTTP as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from shared.hardening import carries_token
from shared.outages import is_outage
from shared.pagination import BadCursor

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# Seconds a client should wait before retrying when the database or broker is unreachable.
OUTAGE_RETRY_AFTER = 5


def problem(status: int, detail: str, title: str | None = None, **extra) -> Response:
    """A problem+json response with a human title and a clear detail (HTML on pages)."""
    as_page = current_app.extensions.get("page_problem") if request else None
    if as_page is not None and (page := as_page(status, detail)) is not None:
        return page
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if request and not carries_token():  # a private token in the path stays out of the body
        body["instance"] = request.path
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def register_problem_handlers(app: Flask, domain_errors: dict[type[Exception], int]) -> None:
    """Map domain errors to statuses in one table; every other error becomes a problem too."""

    statuses: dict[type[Exception], int] = {BadCursor: 400, **domain_errors}
    for error_cls, status in statuses.items():

        def handle_domain(exc: Exception, status: int = status) -> Response:
            return problem(status, str(exc))

        app.register_error_handler(error_cls, handle_domain)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException) -> Response:
        errors = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
        if errors:  # flask-smorest/webargs validation failure
            return problem(422, "The request is not valid; see errors.", errors=errors)
        status = exc.code or 500
        return problem(status, exc.description or HTTPStatus(status).phrase)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:
        if is_outage(exc):
            return outage(exc)
        log.exception("unhandled error")
        return problem(500, "An unexpected error occurred; it has been logged.")


def outage(exc: BaseException) -> Response:
    """503 with Retry-After; one WARNING line, no stack trace (the outage is not a bug here).

    Only the driver's first line is logged: SQLAlchemy's own message carries the statement
    and its parameters, which may hold personal data.
    """
    cause = getattr(exc, "orig", None) or exc
    reason = (str(cause).strip().splitlines() or [""])[0][:200]
    log.warning("dependency unavailable (%s): %s", type(cause).__name__, reason)
    response = problem(503, "A service this request needs is unavailable right now; retry shortly.")
    response.headers["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response
