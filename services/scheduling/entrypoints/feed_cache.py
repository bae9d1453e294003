"""Rendered feeds kept in memory, so most conditional GETs touch neither database nor renderer.

An entry is trusted for ``fresh_for`` seconds; after that one cheap version query decides
whether it still stands. Feeds are polled hourly, so a few seconds of staleness are invisible
to calendar apps, while the answer to If-None-Match costs about what a bare endpoint does.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.http import http_date

Key = tuple[str, str]
PUBLIC = {"Cache-Control": "max-age=300, public"}
PRIVATE = {"Cache-Control": "max-age=300, private", "X-Robots-Tag": "noindex"}


@dataclass
class CachedFeed:
    """A rendered feed, its strong validators and when it was last known to be current."""

    tag: str
    etag: str
    last_modified: datetime
    body: bytes
    checked_at: float
    headers: dict[str, str] = field(init=False)
    served_headers: dict[bool, list[tuple[str, str]]] = field(init=False)  # private link?

    def __post_init__(self) -> None:
        """The validators and caching headers, formatted once rather than on every request,
        as the (name, value) pairs both Flask and the revalidation middleware send."""
        self.headers = {"ETag": f'"{self.etag}"', "Last-Modified": http_date(self.last_modified)}
        self.served_headers = {
            False: list((self.headers | PUBLIC).items()),
            True: list((self.headers | PRIVATE).items()),
        }


class FeedCache:
    """A thread-safe LRU of rendered feeds, bounded in bytes."""

    def __init__(
        self,
        fresh_for: float,
        max_bytes: int = 64 * 2**20,
        timer: Callable[[], float] = time.monotonic,
    ):
        self.fresh_for = fresh_for
        self.max_bytes = max_bytes
        self.timer = timer
        self._entries: OrderedDict[Key, CachedFeed] = OrderedDict()
        self._lock = threading.Lock()

    def fresh(self, key: Key) -> CachedFeed | None:
        """The entry if it was confirmed current less than ``fresh_for`` seconds ago."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self.timer() - entry.checked_at >= self.fresh_for:
                return None
            self._entries.move_to_end(key)
            return entry

    def confirm(self, key: Key, tag: str) -> CachedFeed | None:
        """The entry if it was rendered from this version; it is then fresh again."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.tag != tag:
                return None
            entry.checked_at = self.timer()
            self._entries.move_to_end(key)
            return entry

    def store(self, key: Key, tag: str, last_modified: datetime, body: bytes) -> CachedFeed:
        """Keep a freshly rendered feed; its ETag is a hash of its bytes, so it is strong."""
        etag = hashlib.sha256(body).hexdigest()[:32]
        entry = CachedFeed(tag, etag, last_modified, body, self.timer())
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while sum(len(e.body) for e in self._entries.values()) > self.max_bytes:
                self._entries.popitem(last=False)
        return entry

    def drop(self, key: Key) -> None:
        with self._lock:
            self._entries.pop(key, None)
