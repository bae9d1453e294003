"""VEVENT bytes kept between renders, so a change to one visit re-renders only that visit.

The key is the item's whole value (UID, SEQUENCE, LAST-MODIFIED and every shown field, plus
the zones of its times), so any change makes a new key and a stale copy can never be served;
old copies simply age out of the LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from services.scheduling.adapters.ical import RenderedEvent, render_event
from services.scheduling.domain.feed_items import FeedItem


def _key(item: FeedItem) -> tuple:
    """Equal datetimes in other zones render differently, so the zones are part of the key
    (each zone's own object: two objects of one zone only cost a second render)."""
    return item, getattr(item.start, "tzinfo", None), getattr(item.end, "tzinfo", None)


class EventRenderCache:
    """A thread-safe LRU of rendered VEVENTs, bounded in bytes; ``renders`` counts misses."""

    def __init__(self, max_bytes: int = 32 * 2**20):
        self.max_bytes = max_bytes
        self.renders = 0
        self._entries: OrderedDict[tuple, RenderedEvent] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __call__(self, item: FeedItem) -> RenderedEvent:
        """The item's VEVENT, rendered only if this exact item was not rendered before."""
        key = _key(item)
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
                return kept
        rendered = render_event(item)
        with self._lock:
            self.renders += 1
            if self._entries.setdefault(key, rendered) is rendered:  # not kept meanwhile
                self._size += len(rendered.body)
            while self._size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)
        return rendered
