"""The iCalendar feeds: public per event, private per participant, host and exchange party."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial

from flask import Flask, Response, current_app, request
from flask_smorest import Blueprint
from werkzeug.datastructures import Headers
from werkzeug.http import remove_entity_headers

from services.scheduling.entrypoints.feed_cache import CachedFeed, FeedCache
from services.scheduling.exchanges.service_layer import feeds as exchange_feeds
from services.scheduling.service_layer import calendars, feeds
from shared.correlation import correlation_scope
from shared.hardening import SECURITY_HEADER_LIST
from shared.metrics import Metrics
from shared.problems import problem
from shared.web import log_request, request_correlation_id

FEEDS_PREFIX = "/feeds/"
feeds_blp = Blueprint(
    "feeds", __name__, url_prefix="/feeds", description="iCalendar subscription feeds"
)
KEPT_ON_304 = ("expires", "content-location", "last-modified")
FEEDS: dict[str, tuple[str, bool]] = {  # view -> (feed kind, private link?)
    "event_feed": (feeds.EVENT, False),
    "participant_feed": (feeds.PARTICIPANT, True),
    "host_feed": (feeds.HOST, True),
    "exchange_visitor_feed": (exchange_feeds.VISITOR_FEED, True),
    "exchange_host_feed": (exchange_feeds.HOST_FEED, True),
}
CALENDAR = {200: {"description": "The calendar", "content": {"text/calendar": {}}}}


class FeedResponse(Response):
    """Keeps Last-Modified on a 304 (werkzeug drops it), so clients keep both validators."""

    def get_wsgi_headers(self, environ):
        if self.status_code != 304:
            return super().get_wsgi_headers(environ)
        # werkzeug's own handling of a 304 (no Location here, no length to set), but keeping
        # Last-Modified rather than removing it and setting it again
        headers = Headers(self.headers)
        remove_entity_headers(headers, allowed=KEPT_ON_304)
        return headers


class NotModified(FeedResponse):
    """A feed's 304: no body, so no Content-Type for werkzeug to set and then remove."""

    default_mimetype = None


@feeds_blp.route("/events/<event_id>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def event_feed(event_id):
    """The workshop and its visits; public, no personal data."""
    return _serve(*FEEDS["event_feed"], event_id)


@feeds_blp.route("/participants/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def participant_feed(token):
    """A participant's workshop and the visits they joined (private link)."""
    return _serve(*FEEDS["participant_feed"], token)


@feeds_blp.route("/hosts/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def host_feed(token):
    """The visits a host receives, with group sizes (private link)."""
    return _serve(*FEEDS["host_feed"], token)


@feeds_blp.route("/exchanges/visitor/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def exchange_visitor_feed(token):
    """An exchange visitor's itinerary (private link)."""
    return _serve(*FEEDS["exchange_visitor_feed"], token)


@feeds_blp.route("/exchanges/host/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def exchange_host_feed(token):
    """The itinerary of an exchange a host receives (private link)."""
    return _serve(*FEEDS["exchange_host_feed"], token)


def _serve(kind: str, private: bool, key: str) -> Response:
    cache: FeedCache = current_app.extensions["feed_cache"]
    entry = cache.fresh((kind, key)) or _current(cache, kind, key)
    if entry is None:
        return problem(404, "No such feed: the link is unknown or was revoked.")
    headers = entry.served_headers[private]
    if _not_modified(entry):
        return NotModified(status=304, headers=headers)
    return FeedResponse(entry.body, headers=headers, mimetype="text/calendar")


def _current(cache: FeedCache, kind: str, key: str) -> CachedFeed | None:
    """Check the feed's version; render it again only when it changed."""
    app = current_app.extensions["container"]
    source = exchange_feeds if kind in exchange_feeds.KINDS else feeds
    confirmed = partial(cache.confirm, (kind, key))
    outcome = calendars.current(
        app.uow(), source, kind, key, app.feeds, app.clock(), confirmed, app.renders
    )
    if outcome is None:
        cache.drop((kind, key))
        return None
    if isinstance(outcome, calendars.Rendered):
        version = outcome.version
        return cache.store((kind, key), version.tag, version.last_modified, outcome.body)
    return outcome


def _not_modified(entry: CachedFeed) -> bool:
    """If-None-Match decides when sent; otherwise If-Modified-Since (RFC 9110 §13.2.2)."""
    if_none_match = request.environ.get("HTTP_IF_NONE_MATCH")  # If-None-Match
    if if_none_match is not None:
        return _matches(if_none_match, entry.headers["ETag"])
    since = request.if_modified_since
    return since is not None and entry.last_modified.replace(microsecond=0) <= since


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison of an If-None-Match list with our ETag, as RFC 9110 asks for GET."""
    candidates = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return any(tag in (etag, "*") for tag in candidates)


class Revalidation:
    """WSGI middleware: answers a calendar app's revalidation of a fresh cached feed itself.

    Calendar apps poll their feeds and nearly always hear 304. Through Flask, that answer
    costs a fifth more than a bare endpoint: routing, the request and response objects and the
    platform's eleven hooks (``bench/scheduling_feeds.py``). A GET whose If-None-Match matches
    a feed the cache holds fresh is answered here, with what the Flask path sends: the same
    headers in the same order (validators, caching, X-Correlation-ID, security headers), the
    same access log line and request metrics. Anything else goes on to Flask unchanged: no
    If-None-Match, a HEAD, a stale, unknown or changed feed, a path no feed route matches.
    """

    def __init__(self, app: Flask, cache: FeedCache, metrics: Metrics) -> None:
        self.flask = app.wsgi_app
        self.cache = cache
        self.metrics = metrics
        self.routes = [  # (prefix, suffix, route pattern, kind, private), from the app's rules
            (*_around_argument(rule.rule), rule.rule, *FEEDS[rule.endpoint.partition(".")[2]])
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(f"{feeds_blp.name}.")
        ]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is None or environ.get("REQUEST_METHOD") != "GET":
            return self.flask(environ, start_response)
        started = time.perf_counter()
        found = self._fresh(environ.get("PATH_INFO", ""))
        if found is None or not _matches(if_none_match, found[1].headers["ETag"]):
            return self.flask(environ, start_response)
        route, entry, private = found
        correlation_id = request_correlation_id(environ)
        start_response(
            "304 NOT MODIFIED",
            [
                *entry.served_headers[private],
                ("X-Correlation-ID", correlation_id),
                *SECURITY_HEADER_LIST,
            ],
        )
        with correlation_scope(correlation_id):
            log_request("GET", route, 304)
        self.metrics.series("GET", route, 304).observe(time.perf_counter() - started)
        return []

    def _fresh(self, path: str) -> tuple[str, CachedFeed, bool] | None:
        """The route pattern, fresh entry and privacy of the feed at this path, if any."""
        for prefix, suffix, route, kind, private in self.routes:
            if path.startswith(prefix) and path.endswith(suffix):
                key = path[len(prefix) : len(path) - len(suffix)]
                # Flask's own argument: one path segment; a non-ASCII one Flask decodes anew
                if not key or "/" in key or not key.isascii():
                    return None
                entry = self.cache.fresh((kind, key))
                return None if entry is None else (route, entry, private)
        return None


def _around_argument(pattern: str) -> tuple[str, str]:
    """What a route pattern with one argument has before and after it."""
    before, _, rest = pattern.partition("<")
    return before, rest.partition(">")[2]
