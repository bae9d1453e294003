"""Security headers on every response, and care for URLs that carry a private token.

Manage links, "my visits" pages and private feeds are capability URLs: whoever holds the URL
holds the token. Their pages and JSON are never stored by any cache, and error bodies never
echo their path. A private calendar feed keeps its own ``private`` caching: calendar apps poll
it and revalidate with its ETag, and ``private`` already keeps it out of shared caches.
Which URLs these are is read from the app's own routes (a ``<token>`` argument).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, has_request_context, request
from werkzeug.datastructures import Headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
_VALIDATED = Headers(HEADERS)
SECURITY_HEADER_LIST = _VALIDATED.to_wsgi_list()  # (name, value) pairs, as WSGI sends them
_HEADER_NAMES = frozenset(name.lower() for name in HEADERS)
_RULE_TOKENS: dict[str, bool] = {}  # route pattern -> does it hold a token?


def init_hardening(app: Flask) -> None:
    """Send the security headers on every response, and no-store where the URL holds a token."""

    @app.after_request
    def _harden(response: Response) -> Response:
        _add_security_headers(response.headers)
        if _url_carries_token() and not _private_feed(response):
            response.headers["Cache-Control"] = "no-store"
        return response


def _add_security_headers(headers: Headers) -> None:
    """Set HEADERS, replacing any a view set. ``Headers.update`` validated and searched for
    each constant on every response (a tenth of a cached feed's 304), so unless one is there
    already they are appended to werkzeug's list as they are, validated once by werkzeug
    (``_VALIDATED``) when this module was imported."""
    listed = headers._list
    if any(name.lower() in _HEADER_NAMES for name, _ in listed):
        headers.update(HEADERS)
    else:
        listed.extend(SECURITY_HEADER_LIST)


def carries_token() -> bool:
    """Does the current request's URL hold a private token (also when no route matched)?"""
    return has_request_context() and _url_carries_token()


def _url_carries_token() -> bool:
    rule = request.url_rule
    if rule is None:
        return request.path.startswith(_token_prefixes(current_app))
    token = _RULE_TOKENS.get(rule.rule)
    if token is None:  # a pattern's arguments never change: look once per pattern
        token = _RULE_TOKENS[rule.rule] = _has_token(rule.arguments)
    return token


def _private_feed(response: Response) -> bool:
    """A calendar feed that set its own ``private`` caching (a 200 or a 304)."""
    own = response.headers.get("Cache-Control", "")
    return "private" in own and response.status_code in (200, 304)


def _has_token(arguments: set[str]) -> bool:
    return any("token" in name for name in arguments)


def _token_prefixes(app: Flask) -> tuple[str, ...]:
    """The fixed start of every route with a token, e.g. ``/manage/``, computed once per app."""
    prefixes = app.extensions.get("token_path_prefixes")
    if prefixes is None:
        rules = (rule for rule in app.url_map.iter_rules() if _has_token(rule.arguments))
        prefixes = tuple(sorted({rule.rule.split("<", 1)[0] for rule in rules}))
        app.extensions["token_path_prefixes"] = prefixes
    return prefixes
