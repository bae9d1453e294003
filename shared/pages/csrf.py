"""CSRF tokens: every page form carries a token bound to the visitor's session."""

from __future__ import annotations

import secrets

from flask import Flask, Request, Response, abort, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_babel import gettext as _
from itsdangerous import URLSafeTimedSerializer

CSRF_FIELD = "csrf_token"


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
        abort(400, description=_("The form expired or was not sent from this site. Please retry."))


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session (it holds the CSRF token), with its signer built once per
    set of keys instead of on every request, where it cost a tenth of a cached feed's 304.

    Requests under ``sessionless`` path prefixes (calendar feeds, which no person's browser
    session concerns) get Flask's null session: no cookie is parsed or verified, none is set.
    A request without a Cookie header skips the cookie parser, and an untouched empty session
    skips saving; both give what Flask's own interface gives, for less.
    """

    _signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def __init__(self, sessionless: tuple[str, ...] = ()) -> None:
        self.sessionless = sessionless

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.sessionless and request.path.startswith(self.sessionless):
            return None  # Flask then uses its null session
        if "HTTP_COOKIE" not in request.environ:
            return self.session_class() if self.get_signing_serializer(app) else None
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not (session or session.modified or session.accessed):
            return  # Flask's save would add nothing: no cookie to set or delete, no Vary
        super().save_session(app, session, response)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._signer
        if kept is None or kept[0] != keys:
            kept = self._signer = (keys, super().get_signing_serializer(app))
        return kept[1]
