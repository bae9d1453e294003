"""CSRF tokens: every page form carries a token bound to the visitor's session."""

from __future__ import annotations

import secrets

from flask import abort, request, session
from flask_babel import gettext as _

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
