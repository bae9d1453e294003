"""One organiser login for the pages of every service; logout, expiry and revocation end it.

The login cookie ``cx_organiser`` is shared by the services of the site (cookies ignore ports;
``ORGANISER_COOKIE_DOMAIN`` widens it to sibling hosts). It is signed with the site's
SECRET_KEY, HttpOnly and SameSite=Lax, and carries only a random session id, never the
credential; the session itself lives in a store every service checks
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
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from shared.config import ServiceSettings
from shared.credentials import CredentialStore, Organiser
from shared.pages.csrf import check_csrf
from shared.pages.sessions import SessionStore

log = logging.getLogger(__name__)
LOGIN_COOKIE = "cx_organiser"
_SALT = "cx-organiser-session"

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


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _session_id() -> str | None:
    """The session id of the login cookie, when its signature holds."""
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie:  # most requests: nothing to verify
        return None
    try:
        held = _serializer().loads(cookie)
    except BadSignature:
        return None
    return held if isinstance(held, str) else None


def _session_organiser() -> Organiser | None:
    session_id = _session_id()
    credential_id = _sessions().holder(session_id) if session_id else None
    return _store().organiser(credential_id) if credential_id else None


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


def _close_session() -> None:
    """Close the request's session in the store, so every service forgets it at once."""
    session_id = _session_id()
    if session_id:
        _sessions().close(session_id)
    g.pop("page_organiser", None)


def _remember_session(response: Response, credential_id: str) -> None:
    """Open a new session (never reusing one from before the login) and set its cookie."""
    session_id = _sessions().open(credential_id)
    cookie = current_app.extensions["organiser_cookie"]
    response.set_cookie(
        LOGIN_COOKIE,
        _serializer().dumps(session_id),
        max_age=cookie["max_age"],
        path="/",
        domain=cookie["domain"],
        secure=cookie["secure"],
        httponly=True,
        samesite="Lax",
    )


@shared_pages.route("/organiser/login", methods=["GET", "POST"])
def login():
    """Log in with an organiser credential; a new server-side session starts."""
    error = None
    if request.method == "POST":
        check_csrf()
        organiser = _store().authenticate(request.form.get("credential", "").strip())
        if organiser is not None:
            home = current_app.extensions["page_links"].get("organiser_home", "/")
            response = redirect(safe_next(request.form.get("next"), home))
            _close_session()
            _remember_session(response, organiser.credential_id)
            return response
        error = _("This credential is not valid (unknown or revoked).")
    status = 401 if error else 200
    page = render_template("pages/login.html", error=error, next=request.values.get("next", ""))
    return page, status


@shared_pages.post("/organiser/logout")
def logout():
    """End the session at once on every service: the same cookie, replayed, opens nothing."""
    check_csrf()
    response = redirect(url_for("pages.login"))
    _close_session()
    domain = current_app.extensions["organiser_cookie"]["domain"]
    response.delete_cookie(LOGIN_COOKIE, path="/", domain=domain)
    flash(_("You are logged out."))
    return response
