"""Organiser login on the pages: the bearer credential is kept in the signed session cookie.

Flask's session cookie is signed, HttpOnly and SameSite=Lax; the JSON API keeps using the
``Authorization: Bearer`` header and is not affected.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from shared.credentials import CredentialStore, Organiser
from shared.pages.csrf import check_csrf

log = logging.getLogger(__name__)
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
