"""Serve one calendar feed in one unit of work: check its version, render it only if it changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from services.scheduling.adapters.ical import render_feed
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
) -> Cached | Rendered | None:
    """The copy ``cached`` still holds for the feed's version, else the feed rendered again.

    None when the link is unknown or was revoked.
    """
    with uow:
        version = source.feed_version(uow.session, kind, key, settings, now)
        if version is None:
            return None
        entry = cached(version.tag)
        if entry is not None:
            return entry
        feed = source.load_feed(uow.session, kind, key, settings, now)
    if feed is None:
        return None
    return Rendered(version, render_feed(feed.meta, feed.items))
