"""The iCalendar feeds: public per event, private per participant, host and exchange party."""

from __future__ import annotations

from functools import partial

from flask import Response, current_app, request
from flask_smorest import Blueprint
from werkzeug.datastructures import Headers
from werkzeug.http import remove_entity_headers

from services.scheduling.entrypoints.feed_cache import CachedFeed, FeedCache
from services.scheduling.exchanges.service_layer import feeds as exchange_feeds
from services.scheduling.service_layer import calendars, feeds
from shared.problems import problem

FEEDS_PREFIX = "/feeds/"
feeds_blp = Blueprint(
    "feeds", __name__, url_prefix="/feeds", description="iCalendar subscription feeds"
)
KEPT_ON_304 = ("expires", "content-location", "last-modified")
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
    return _serve(feeds.EVENT, event_id, private=False)


@feeds_blp.route("/participants/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def participant_feed(token):
    """A participant's workshop and the visits they joined (private link)."""
    return _serve(feeds.PARTICIPANT, token, private=True)


@feeds_blp.route("/hosts/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def host_feed(token):
    """The visits a host receives, with group sizes (private link)."""
    return _serve(feeds.HOST, token, private=True)


@feeds_blp.route("/exchanges/visitor/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def exchange_visitor_feed(token):
    """An exchange visitor's itinerary (private link)."""
    return _serve(exchange_feeds.VISITOR_FEED, token, private=True)


@feeds_blp.route("/exchanges/host/<token>.ics", methods=["GET"])
@feeds_blp.doc(responses=CALENDAR)
def exchange_host_feed(token):
    """The itinerary of an exchange a host receives (private link)."""
    return _serve(exchange_feeds.HOST_FEED, token, private=True)


def _serve(kind: str, key: str, private: bool) -> Response:
    cache: FeedCache = current_app.extensions["feed_cache"]
    entry = cache.fresh((kind, key)) or _current(cache, kind, key)
    if entry is None:
        return problem(404, "No such feed: the link is unknown or was revoked.")
    headers = entry.private_headers if private else entry.public_headers
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
