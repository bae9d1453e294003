"""Serve one calendar feed in one unit of work: check its version, render it only if it changed.

The public event feed is also rendered ahead of its readers: the worker's ``prerender`` pass
stores its body after every change to the programme, so a GET after a change reads that body
instead of loading and rendering thousands of visits. A GET that comes before the pass (or
after cancelled visits aged out, which changes the version without a change to the programme)
renders as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from services.scheduling.adapters.feed_store import EVENT_FEED, StoredFeed
from services.scheduling.adapters.ical import RenderedEvent, render_event, render_feed
from services.scheduling.domain.feed_items import FeedItem
from services.scheduling.service_layer import feeds
from services.scheduling.service_layer.feeds import Feed, FeedSettings, FeedVersion
from services.scheduling.service_layer.unit_of_work import SchedulingUnitOfWork

Cached = TypeVar("Cached")


class FeedSource(Protocol):
    """A module that knows some kinds of feed: ``feeds`` or the exchanges' ``feeds``."""

    def feed_version(
        self, session: Session, kind: str, key: str, settings: FeedSettings, now: datetime
    ) -> FeedVersion | None: ...

    def load_feed(
        self, session: Session, kind: str, key: str, settings: FeedSettings, now: datetime
    ) -> Feed | None: ...


@dataclass(frozen=True)
class Rendered:
    """A feed rendered afresh, with the version it was rendered from."""

    version: FeedVersion
    body: bytes


def current(
    uow: SchedulingUnitOfWork,
    source: FeedSource,
    kind: str,
    key: str,
    settings: FeedSettings,
    now: datetime,
    cached: Callable[[str], Cached | None],
    render: Callable[[FeedItem], RenderedEvent] = render_event,
) -> Cached | Rendered | None:
    """The copy ``cached`` still holds for the feed's version, else the feed rendered again
    (``render`` may hand back VEVENTs kept from earlier renders).

    None when the link is unknown or was revoked.
    """
    with uow:
        version = source.feed_version(uow.session, kind, key, settings, now)
        if version is None:
            return None
        entry = cached(version.tag)
        if entry is not None:
            return entry
        stored = uow.feed_store.get(kind, key) if kind == EVENT_FEED else None
        if stored is not None and stored.tag == version.tag:
            return Rendered(version, stored.body)
        feed = source.load_feed(uow.session, kind, key, settings, now)
    if feed is None:
        return None
    return Rendered(version, render_feed(feed.meta, feed.items, render))


def prerender(
    uow: SchedulingUnitOfWork,
    settings: FeedSettings,
    now: datetime,
    render: Callable[[FeedItem], RenderedEvent] = render_event,
    limit: int = 20,
) -> int:
    """Render and store the public feed of each event whose programme changed since its
    stored copy (at most ``limit`` per pass, one transaction each); how many were stored."""
    with uow:
        stale = uow.feed_store.stale_events(limit)
    done = 0
    for event_id, revision in stale:
        with uow:
            version = feeds.feed_version(uow.session, EVENT_FEED, event_id, settings, now)
            feed = feeds.load_feed(uow.session, EVENT_FEED, event_id, settings, now)
            if version is None or feed is None:
                continue
            body = render_feed(feed.meta, feed.items, render)
            kept = StoredFeed(version.tag, version.last_modified, body)
            uow.feed_store.put(EVENT_FEED, event_id, revision, kept)
            uow.commit()
            done += 1
    return done
