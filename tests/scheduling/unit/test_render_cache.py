"""Feeds assembled from kept VEVENT bytes equal a full render; a change re-renders one item."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.scheduling.adapters.ical import render_feed
from services.scheduling.adapters.render_cache import EventRenderCache
from tests.scheduling.unit.test_ical_feed import DST_ITEMS, META, item

ITEMS = [*DST_ITEMS, *(item(f"visit-{n:03}", sequence=n % 3) for n in range(20))]


def test_a_feed_assembled_from_kept_event_bytes_is_byte_identical_to_a_full_render():
    cache = EventRenderCache()
    cold = render_feed(META, ITEMS, cache)
    warm = render_feed(META, list(reversed(ITEMS)), cache)

    assert cold == warm == render_feed(META, ITEMS)
    assert cache.renders == len(ITEMS)


def test_a_change_to_one_visit_renders_only_that_visit_again():
    cache = EventRenderCache()
    render_feed(META, ITEMS, cache)
    later = datetime(2026, 3, 1, tzinfo=UTC)
    changed = [
        replace(i, sequence=i.sequence + 1, last_modified=later) if i.uid == "visit-007" else i
        for i in ITEMS
    ]

    body = render_feed(META, changed, cache)

    assert cache.renders == len(ITEMS) + 1
    assert body == render_feed(META, changed)
    assert b"SEQUENCE:2" in body


def test_the_same_instant_in_another_zone_is_not_served_from_the_copy_of_the_first():
    cache = EventRenderCache()
    brussels = item()
    lisbon = ZoneInfo("Europe/Lisbon")
    in_lisbon = replace(
        brussels, start=brussels.start.astimezone(lisbon), end=brussels.end.astimezone(lisbon)
    )

    assert render_feed(META, [in_lisbon], cache) == render_feed(META, [in_lisbon])
    render_feed(META, [brussels], cache)
    assert cache.renders == 2


def test_the_cache_stays_within_its_byte_budget():
    cache = EventRenderCache(max_bytes=2000)
    for n in range(50):
        render_feed(META, [item(f"visit-{n}", created=item().created - timedelta(n))], cache)

    assert cache._size <= 2000
