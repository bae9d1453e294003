"""The shared page layout: install it on an app, build page blueprints, show form errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import Blueprint, Flask, Response, current_app, render_template, request
from marshmallow import Schema, ValidationError

from shared.config import ServiceSettings
from shared.i18n import format_brief, format_when
from shared.pages.csrf import check_csrf, csrf_token
from shared.pages.languages import init_languages, page_language
from shared.pages.login import page_organiser, shared_pages
from shared.pages.problem_text import SHARED_PROBLEMS, ProblemTexts, problem_text
from shared.pages.sessions import SessionStore


def init_pages(
    app: Flask,
    settings: ServiceSettings,
    sessions: SessionStore,
    links: Mapping[str, str],
    problems: Iterable[str] = (),
) -> None:
    """Install the layout, session cookie settings, CSRF checks and login pages on an app.

    ``problems`` are the service's problem messages its pages translate (``problem_text``).

    Each service has its own Flask session cookie (CSRF tokens, flashed messages); the login
    cookie is the site's, one for every service (``shared.pages.login``). Cookies are Secure
    when the service's public URL is https.
    """
    secure = settings.public_base_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_NAME=f"cx_{settings.service}_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
    )
    app.extensions["organiser_sessions"] = sessions
    app.extensions["organiser_cookie"] = {
        "domain": settings.organiser_cookie_domain,
        "secure": secure,
        "max_age": int(settings.organiser_session_hours * 3600),
    }
    app.extensions["page_links"] = dict(links)
    app.extensions["page_problem"] = page_problem
    app.extensions["problem_texts"] = ProblemTexts([*SHARED_PROBLEMS, *problems])
    app.register_blueprint(shared_pages)
    init_languages(app)
    app.jinja_env.globals.update(csrf_token=csrf_token, page_links=lambda: links)
    app.jinja_env.filters.update(local=local_time, brief=brief_time, problem=problem_text)
    app.context_processor(lambda: {"organiser": page_organiser()})


def page_problem(status: int, detail: str) -> Response | None:
    """Errors of page requests as an HTML page (None for the JSON API)."""
    blueprint = current_app.blueprints.get(request.blueprint or "")
    if not getattr(blueprint, "is_page", False):
        return None
    html = render_template("pages/error.html", status=status, detail=detail)
    return Response(html, status=status, mimetype="text/html")


def local_time(value: datetime, timezone: str, date_only: bool = False) -> str:
    """A time as people at the event read it: in the event's timezone, in the page's language."""
    moment = value.astimezone(ZoneInfo(timezone))
    if date_only:
        return format_date(moment, "medium", locale=page_language())
    return format_when(moment, page_language())


def brief_time(value: datetime, until: datetime | None = None) -> str:
    """A zoned time briefly ("Thu 14 May, 09:30"), maybe a span, in the page's language."""
    return format_brief(value, page_language(), until)


def page_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint for a service's pages with CSRF checks on every unsafe request."""
    blueprint = Blueprint(name, import_name, template_folder="templates")
    blueprint.is_page = True  # type: ignore[attr-defined]
    blueprint.before_request(check_csrf)
    return blueprint


def form_errors(schema: Schema, data: Mapping[str, Any]) -> tuple[dict, dict[str, str]]:
    """Load form data with the API's schema: (values, {field: first message})."""
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return {}, flatten_messages(error.messages)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, str]:
    """Nested marshmallow messages as {"venue.name": "message"}, in the page's language."""
    if isinstance(messages, list):
        return {prefix: "; ".join(problem_text(m) for m in messages)} if prefix else {}
    flat: dict[str, str] = {}
    for key, value in messages.items():
        flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat
