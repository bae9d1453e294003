"""The direct VEVENT writer gives, byte for byte, what icalendar gives for the same item.

icalendar is the reference: each item is also built as an icalendar ``Event`` with the
properties the feed publishes, and both serialisations must be equal, for hostile text
(escapes, line breaks, long and multi-byte lines that fold), every zone kind and all-day items.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event, vText

from services.scheduling.adapters.ical import _unambiguous, render_event
from services.scheduling.domain.feed_items import FeedItem

ZONES = ["Europe/Brussels", "Europe/Bucharest", "Europe/Lisbon", "Etc/UTC", "Atlantic/Reykjavik"]
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def reference(item: FeedItem) -> Event:
    """The VEVENT as the feed built it with icalendar before the direct writer."""
    event = Event()
    event.add("UID", item.uid)
    event.add("DTSTAMP", item.last_modified.astimezone(UTC))
    event.add("CREATED", item.created.astimezone(UTC))
    event.add("LAST-MODIFIED", item.last_modified.astimezone(UTC))
    event.add("SEQUENCE", item.sequence)
    event.add("STATUS", item.status)
    event.add("SUMMARY", vText(item.summary))
    event.add("DTSTART", _unambiguous(item.start))
    event.add("DTEND", _unambiguous(item.end))
    optional = {
        "DESCRIPTION": None if item.description is None else vText(item.description),
        "LOCATION": None if item.location is None else vText(item.location),
        "GEO": item.geo,
        "URL": item.url,
    }
    for name, value in optional.items():
        if value is not None:
            event.add(name, value)
    if item.categories:
        event.add("CATEGORIES", [vText(category) for category in item.categories])
    return event


ASCII = list("aZ09 ;,:\\^\"'\r\n\tN")
hostile = st.text(alphabet=st.sampled_from(ASCII), max_size=240) | st.text(
    alphabet=st.sampled_from(ASCII + ["é", "ł", "€", "😀", "ß", "\u2028"]), max_size=160
)
hostile_or_none = st.none() | hostile


@st.composite
def items(draw) -> FeedItem:
    if draw(st.booleans()):
        day = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
        start, end = day, day + timedelta(days=draw(st.integers(1, 3)))
    else:
        zone = ZoneInfo(draw(st.sampled_from(ZONES)))
        # minutes across 2026-2027, DST changes (skipped and repeated hours) included
        local = datetime(2026, 1, 1) + timedelta(minutes=15 * draw(st.integers(0, 70_000)))
        start = local.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))
        end = (start.astimezone(UTC) + timedelta(minutes=draw(st.integers(15, 600)))).astimezone(
            zone
        )
    return FeedItem(
        uid=draw(st.text(alphabet="abc-@.;,0123456789", min_size=1, max_size=90)),
        summary=draw(hostile),
        start=start,
        end=end,
        status=draw(st.sampled_from(["CONFIRMED", "TENTATIVE", "CANCELLED"])),
        sequence=draw(st.integers(0, 10_000)),
        last_modified=NOW + timedelta(seconds=draw(st.integers(0, 10**7))),
        created=NOW,
        description=draw(hostile_or_none),
        location=draw(hostile_or_none),
        geo=draw(st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180))),
        url=draw(st.none() | st.just("https://calendar.example.eu/visits/v1?lang=de,fr")),
        categories=tuple(draw(st.lists(hostile.filter(bool), max_size=3))),
    )


@settings(max_examples=400, deadline=None)
@given(items())
def test_the_direct_writer_gives_the_bytes_icalendar_gives(item):
    event = reference(item)
    rendered = render_event(item)

    assert rendered.body == event.to_ical()
    expected_zones = {event[name].params.get("TZID") or "UTC" for name in ("DTSTART", "DTEND")}
    assert rendered.tzids == expected_zones
    assert rendered.years == (event.start.year, event.end.year)


def test_a_title_long_enough_to_fold_is_folded_to_75_octets_and_never_inside_an_escape():
    item = FeedItem(
        uid="v1@cx",
        summary="Visit; " * 30 + "łódź " * 20,
        start=date(2026, 5, 12),
        end=date(2026, 5, 13),
        status="CONFIRMED",
        sequence=0,
        last_modified=NOW,
        created=NOW,
    )

    lines = render_event(item).body.split(b"\r\n")

    assert max(len(line) for line in lines) <= 75  # RFC 5545 3.1, the fold's space included
    assert not any(line.endswith(b"\\") for line in lines)
    assert render_event(item).body == reference(item).to_ical()
