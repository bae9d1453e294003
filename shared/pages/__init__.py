"""Server-rendered pages every service shares: layout, CSS, CSRF tokens and organiser login.

Pages are plain Flask blueprints (outside the OpenAPI document). The organiser's bearer
credential is kept in Flask's signed, HttpOnly, SameSite=Lax session cookie; every page form
carries a CSRF token bound to that session. The JSON API is not affected by either.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from marshmallow import Schema, ValidationError

from shared.credentials import CredentialStore, Organiser

log = logging.getLogger(__name__)
CSRF_FIELD = "csrf_token"
ORGANISER_KEY = "organiser_token"

shared_pages = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
shared_pages.is_page = True  # type: ignore[attr-defined]


def secret_key(configured: str | None, credentials_file: object) -> str:
    """SECRET_KEY, or a development key derived from the credentials file path (with a warning).

    Derived, not random, so every gunicorn worker signs sessions with the same key.
    """
    if configured:
        return configured
    log.warning("SECRET_KEY is not set; using a development key derived from the data path")
    return hashlib.sha256(f"cx-dev-secret:{credentials_file}".encode()).hexdigest()


def init_pages(app: Flask, service: str, key: str, links: Mapping[str, str]) -> None:
    """Install the layout, session cookie settings, CSRF checks and login pages on an app.

    Each service has its own cookie: cookies ignore ports, and each service has its own login.
    """
    app.secret_key = key
    app.config.update(
        SESSION_COOKIE_NAME=f"cx_{service}_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.extensions["page_links"] = dict(links)
    app.extensions["page_problem"] = page_problem
    app.register_blueprint(shared_pages)
    app.jinja_env.globals.update(csrf_token=csrf_token, page_links=lambda: links)
    app.jinja_env.filters["local"] = local_time
    app.context_processor(lambda: {"organiser": page_organiser()})


def page_problem(status: int, detail: str) -> Response | None:
    """Errors of page requests as an HTML page (None for the JSON API)."""
    blueprint = current_app.blueprints.get(request.blueprint or "")
    if not getattr(blueprint, "is_page", False):
        return None
    html = render_template("pages/error.html", status=status, detail=detail)
    return Response(html, status=status, mimetype="text/html")


def local_time(value: datetime, timezone: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A time as people at the event read it: in the event's timezone."""
    return value.astimezone(ZoneInfo(timezone)).strftime(fmt)


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse a page form POST whose token does not match the session's (400)."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not expected or not secrets.compare_digest(sent, expected):
        abort(400, description="The form expired or was not sent from this site. Please retry.")


def page_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint for a service's pages with CSRF checks on every unsafe request."""
    blueprint = Blueprint(name, import_name, template_folder="templates")
    blueprint.is_page = True  # type: ignore[attr-defined]
    blueprint.before_request(check_csrf)
    return blueprint


def _store() -> CredentialStore:
    return current_app.extensions["credentials"]


def page_organiser() -> Organiser | None:
    """The organiser logged in on the pages (their credential is in the session)."""
    return _store().authenticate(session.get(ORGANISER_KEY))


def organiser_page(view: Callable) -> Callable:
    """Decorator: send visitors who are not logged in to the login page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if page_organiser() is None:
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def form_errors(schema: Schema, data: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    """Load form data with the API's schema: (values, {field: first message})."""
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return {}, flatten_messages(error.messages)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, str]:
    """Nested marshmallow messages as {"venue.name": "message"}."""
    if isinstance(messages, list):
        return {prefix: "; ".join(str(m) for m in messages)} if prefix else {}
    flat: dict[str, str] = {}
    for key, value in messages.items():
        flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page is no open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return current_app.extensions["page_links"].get("organiser_home", "/")


@shared_pages.route("/organiser/login", methods=["GET", "POST"])
def login():
    """Log in with an organiser credential; it is kept in the signed session cookie."""
    error = None
    if request.method == "POST":
        check_csrf()
        token = request.form.get("credential", "").strip()
        if _store().authenticate(token) is not None:
            session[ORGANISER_KEY] = token
            return redirect(_safe_next(request.form.get("next")))
        error = "This credential is not valid (unknown or revoked)."
    status = 401 if error else 200
    page = render_template("pages/login.html", error=error, next=request.values.get("next", ""))
    return page, status


@shared_pages.post("/organiser/logout")
def logout():
    """Forget the credential."""
    check_csrf()
    session.pop(ORGANISER_KEY, None)
    flash("You are logged out.")
    return redirect(url_for("pages.login"))
