"""CSRF tokens: every page form carries a token bound to the visitor's session."""

from __future__ import annotations

import secrets

from flask import Flask, abort, request, session
from flask.sessions import SecureCookieSessionInterface
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
    set of keys instead of on every request, where it cost a tenth of a cached feed's 304."""

    _signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._signer
        if kept is None or kept[0] != keys:
            kept = self._signer = (keys, super().get_signing_serializer(app))
        return kept[1]
