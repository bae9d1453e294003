"""Organiser login on the pages, with sessions that logout, expiry and revocation end at once.

The signed, HttpOnly, SameSite=Lax session cookie holds only the credential's id and a session
nonce, never the credential; the session itself lives in the service's database
(``shared.pages.sessions``). The JSON API keeps using ``Authorization: Bearer``.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from shared.config import ServiceSettings
from shared.credentials import CredentialStore, Organiser
from shared.pages.csrf import check_csrf
from shared.pages.sessions import SessionStore

log = logging.getLogger(__name__)
SESSION_KEY = "organiser_session"

shared_pages = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
shared_pages.is_page = True  # type: ignore[attr-defined]


def secret_key(settings: ServiceSettings) -> str:
    """SECRET_KEY; without it, a development key, but only for the embedded default.

    The development key is derived from the credentials file path, not random, so every
    gunicorn worker signs sessions alike. With RabbitMQ or a server database configured this
    is a real deployment, and a guessable key would let anyone forge session cookies.
    """
    if settings.secret_key:
        return settings.secret_key
    if not settings.broker.embedded or not settings.database_url.startswith("sqlite"):
        raise ValueError(
            "SECRET_KEY must be set when AMQP_URL or a server database URL is configured"
        )
    log.warning("SECRET_KEY is not set; using a development key derived from the data path")
    seed = f"cx-dev-secret:{settings.organiser_credentials_file}"
    return hashlib.sha256(seed.encode()).hexdigest()


def _store() -> CredentialStore:
    return current_app.extensions["credentials"]


def _sessions() -> SessionStore:
    return current_app.extensions["organiser_sessions"]


def page_organiser() -> Organiser | None:
    """The organiser logged in on the pages: an open session of a credential not revoked."""
    if "page_organiser" not in g:
        g.page_organiser = _session_organiser()
    return g.page_organiser


def _session_organiser() -> Organiser | None:
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict):
        return None
    credential_id, nonce = held.get("credential_id"), held.get("nonce")
    if not isinstance(credential_id, str) or not isinstance(nonce, str):
        return None
    if not _sessions().is_open(credential_id, nonce):
        return None
    return _store().organiser(credential_id)


def organiser_page(view: Callable) -> Callable:
    """Decorator: send visitors who are not logged in to the login page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if page_organiser() is None:
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, default: str) -> str:
    """A path on this site to go to after login, or ``default``: the login is no open redirect.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so
    ``/<TAB>/evil.test`` and ``/\\evil.test`` lead off-site: control and space characters are
    removed before parsing, and a backslash, a scheme, a host or a leading ``//`` is refused.
    """
    cleaned = "".join(ch for ch in target or "" if unicodedata.category(ch)[0] not in "CZ")
    parts = urlsplit(cleaned)
    if "\\" in cleaned or parts.scheme or parts.netloc:
        return default
    path = unquote(parts.path)
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return default
    return cleaned


def _forget_session() -> None:
    held = session.pop(SESSION_KEY, None)
    if isinstance(held, dict) and isinstance(held.get("nonce"), str):
        _sessions().close(held["nonce"])
    g.pop("page_organiser", None)


@shared_pages.route("/organiser/login", methods=["GET", "POST"])
def login():
    """Log in with an organiser credential; a new server-side session starts."""
    error = None
    if request.method == "POST":
        check_csrf()
        organiser = _store().authenticate(request.form.get("credential", "").strip())
        if organiser is not None:
            _forget_session()
            nonce = _sessions().open(organiser.credential_id)
            session[SESSION_KEY] = {"credential_id": organiser.credential_id, "nonce": nonce}
            home = current_app.extensions["page_links"].get("organiser_home", "/")
            return redirect(safe_next(request.form.get("next"), home))
        error = "This credential is not valid (unknown or revoked)."
    status = 401 if error else 200
    page = render_template("pages/login.html", error=error, next=request.values.get("next", ""))
    return page, status


@shared_pages.post("/organiser/logout")
def logout():
    """End the session at once: the same cookie, replayed, opens nothing."""
    check_csrf()
    _forget_session()
    flash("You are logged out.")
    return redirect(url_for("pages.login"))
