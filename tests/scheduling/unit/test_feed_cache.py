"""The in-process feed cache: freshness window, version confirmation and the byte bound."""

from datetime import UTC, datetime

from services.scheduling.entrypoints.feed_cache import FeedCache

STAMP = datetime(2026, 3, 1, tzinfo=UTC)
KEY = ("events", "e1")


class Timer:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_trusted_only_within_its_freshness_window():
    timer = Timer()
    cache = FeedCache(fresh_for=5, timer=timer)
    stored = cache.store(KEY, "v1", STAMP, b"BEGIN:VCALENDAR")

    timer.now += 4.9
    assert cache.fresh(KEY) is stored
    timer.now += 0.2
    assert cache.fresh(KEY) is None


def test_confirming_the_same_version_makes_the_entry_fresh_again_and_a_new_one_does_not():
    timer = Timer()
    cache = FeedCache(fresh_for=5, timer=timer)
    cache.store(KEY, "v1", STAMP, b"body")
    timer.now += 10

    assert cache.confirm(KEY, "v2") is None
    assert cache.confirm(KEY, "v1") is not None
    assert cache.fresh(KEY) is not None


def test_the_etag_is_a_hash_of_the_bytes_so_equal_feeds_share_it():
    cache = FeedCache(fresh_for=0)

    first = cache.store(KEY, "v1", STAMP, b"same bytes")
    second = cache.store(("events", "e2"), "v9", STAMP, b"same bytes")
    other = cache.store(("events", "e3"), "v1", STAMP, b"other bytes")

    assert first.etag == second.etag != other.etag


def test_the_least_recently_used_feeds_are_evicted_beyond_the_byte_bound():
    cache = FeedCache(fresh_for=60, max_bytes=10)
    cache.store(("events", "a"), "v", STAMP, b"12345")
    cache.store(("events", "b"), "v", STAMP, b"12345")
    cache.fresh(("events", "a"))

    cache.store(("events", "c"), "v", STAMP, b"12345")

    assert cache.fresh(("events", "b")) is None
    assert cache.fresh(("events", "a")) is not None


def test_a_dropped_feed_is_forgotten():
    cache = FeedCache(fresh_for=60)
    cache.store(KEY, "v1", STAMP, b"body")

    cache.drop(KEY)

    assert cache.fresh(KEY) is None and cache.confirm(KEY, "v1") is None
