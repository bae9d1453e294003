"""The iCalendar feed renderer, checked byte by byte and through icalendar, vobject and ical.js."""

import itertools
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from services.scheduling.adapters.ical import PRODID, render_feed
from services.scheduling.domain.feed_items import FeedItem, FeedMeta

REPO_ROOT = Path(__file__).resolve().parents[3]
BRUSSELS = ZoneInfo("Europe/Brussels")
TOKYO = ZoneInfo("Asia/Tokyo")
CHANGED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
MULTIBYTE = "Zürich – Ålesund – 東京"
SUMMARY = "Study visit, Ghent; day 2"
DESCRIPTION = "Programme:\n09:00 welcome, coffee; badges\n10:00 lab tour"
META = FeedMeta(
    name="Cluster study visits",
    description="Workshops and study visits of the cluster network",
    source_url="https://feeds.clusterxchange.eu/scheduling/visits.ics",
    timezone="Europe/Brussels",
)


def item(uid: str = "visit-0001", **changes: object) -> FeedItem:
    """A confirmed two-hour Brussels visit, with any field overridden."""
    base = FeedItem(
        uid=uid,
        summary="Study visit to the Ghent bio-economy cluster",
        start=datetime(2026, 5, 12, 9, 0, tzinfo=BRUSSELS),
        end=datetime(2026, 5, 12, 11, 0, tzinfo=BRUSSELS),
        status="CONFIRMED",
        sequence=0,
        last_modified=CHANGED,
        created=CHANGED - timedelta(days=30),
    )
    return replace(base, **changes)


def brussels(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


def unfolded(feed: bytes) -> list[str]:
    """Content lines with RFC 5545 folding undone (on octets, before decoding)."""
    return feed.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")[:-1]


def blocks(feed: bytes, name: str) -> list[list[str]]:
    """The unfolded lines of every top-level component called name."""
    found: list[list[str]] = []
    for line in unfolded(feed):
        if line == f"BEGIN:{name}":
            found.append([])
        elif found and found[-1][-1:] != [f"END:{name}"]:
            found[-1].append(line)
    return found


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Items whose UTC instants several parsers must agree on: a stay across the spring DST change,
# the last minute before and first minute after both 2026 changes, two zones in one event,
# and items in later years so the VTIMEZONE must cover more than one year.
DST_ITEMS = (
    item("visit-dst-stay", start=brussels(2026, 3, 28, 9), end=brussels(2026, 3, 30, 17)),
    item("visit-spring-edge", start=brussels(2026, 3, 29, 1, 59), end=brussels(2026, 3, 29, 3)),
    item("visit-autumn-edge", start=brussels(2026, 10, 25, 1, 59), end=brussels(2026, 10, 25, 3)),
    item(
        "visit-flight-to-tokyo",
        start=brussels(2027, 1, 14, 13, 5),
        end=datetime(2027, 1, 15, 8, 40, tzinfo=TOKYO),
    ),
    item("visit-summer-2028", start=brussels(2028, 7, 4, 10), end=brussels(2028, 7, 4, 12)),
)


def test_feed_uses_crlf_line_endings_and_the_fixed_calendar_header():
    feed = render_feed(META, [item()])

    assert feed.startswith(b"BEGIN:VCALENDAR\r\n")
    assert feed.endswith(b"END:VCALENDAR\r\n")
    assert feed.count(b"\n") == feed.count(b"\r\n")
    lines = unfolded(feed)
    for expected in ("VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"):
        assert lines.count(expected) == 1


def test_a_subscription_feed_is_a_snapshot_without_an_itip_method():
    lines = unfolded(render_feed(META, [item()]))

    assert not [line for line in lines if line.startswith("METHOD")]


def test_long_multibyte_lines_are_folded_at_75_octets_without_splitting_characters():
    summary = " / ".join([MULTIBYTE] * 6)
    feed = render_feed(META, [item(summary=summary, location=MULTIBYTE * 4)])

    physical = feed.split(b"\r\n")
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical)
    for line in physical:
        line.decode("utf-8")  # a split multi-byte sequence would raise here
    event = Calendar.from_ical(feed).events[0]
    assert (event["SUMMARY"], event["LOCATION"]) == (summary, MULTIBYTE * 4)


def test_calendar_carries_name_description_refresh_ttl_and_source_properties():
    lines = unfolded(render_feed(META, [item()]))

    for expected in (
        "NAME:Cluster study visits",
        "X-WR-CALNAME:Cluster study visits",
        "DESCRIPTION:Workshops and study visits of the cluster network",
        "X-WR-CALDESC:Workshops and study visits of the cluster network",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "SOURCE;VALUE=URI:https://feeds.clusterxchange.eu/scheduling/visits.ics",
        "X-WR-TIMEZONE:Europe/Brussels",
    ):
        assert expected in lines


def test_refresh_interval_and_published_ttl_follow_the_feed_meta():
    lines = unfolded(render_feed(replace(META, refresh=timedelta(minutes=30)), []))

    assert "REFRESH-INTERVAL;VALUE=DURATION:PT30M" in lines
    assert "X-PUBLISHED-TTL:PT30M" in lines


def test_calendar_name_and_description_are_escaped_in_their_x_wr_aliases_too():
    meta = replace(META, name="Visits, Brussels; 2026", description="Line one\nline two")
    lines = unfolded(render_feed(meta, []))

    assert "X-WR-CALNAME:Visits\\, Brussels\\; 2026" in lines
    assert "X-WR-CALDESC:Line one\\nline two" in lines


def test_rendering_the_same_state_twice_gives_identical_bytes():
    items = [*DST_ITEMS, item("visit-all-day", start=date(2026, 6, 1), end=date(2026, 6, 3))]

    assert render_feed(META, items) == render_feed(META, list(items))


@pytest.mark.parametrize("hash_seed", ["1", "2"])
def test_rendered_bytes_do_not_depend_on_the_process_hash_seed(hash_seed):
    state = (META, DST_ITEMS)
    script = (
        "import pickle, sys\n"
        "from services.scheduling.adapters.ical import render_feed\n"
        "sys.stdout.buffer.write(render_feed(*pickle.loads(sys.stdin.buffer.read())))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=env,
        input=pickle.dumps(state),
        capture_output=True,
        check=True,
    )

    assert done.stdout == render_feed(*state)


def test_dtstamp_is_the_last_modification_in_utc_not_the_render_time():
    changed_in_brussels = datetime(2026, 2, 1, 10, 30, tzinfo=BRUSSELS)
    created = datetime(2026, 1, 5, 8, 0, tzinfo=TOKYO)
    (event,) = blocks(
        render_feed(META, [item(last_modified=changed_in_brussels, created=created)]), "VEVENT"
    )

    assert "DTSTAMP:20260201T093000Z" in event
    assert "LAST-MODIFIED:20260201T093000Z" in event
    assert "CREATED:20260104T230000Z" in event


def test_every_event_has_the_required_properties_and_omits_absent_optional_ones():
    (event,) = blocks(render_feed(META, [item(sequence=3, status="TENTATIVE")]), "VEVENT")
    names = {line.split(":")[0].split(";")[0] for line in event}

    assert "UID:visit-0001" in event
    assert "SEQUENCE:3" in event
    assert "STATUS:TENTATIVE" in event
    assert "SUMMARY:Study visit to the Ghent bio-economy cluster" in event
    assert {"DTSTAMP", "CREATED", "LAST-MODIFIED", "DTSTART", "DTEND"} <= names
    assert not names & {"LOCATION", "GEO", "DESCRIPTION", "URL", "CATEGORIES"}


def test_optional_location_geo_description_url_and_categories_are_rendered():
    full = item(
        location="Bio-Economy Hub, Ghent",
        geo=(51.0543, 3.7174),
        description="Bring safety shoes.",
        url="https://clusterxchange.eu/visits/visit-0001",
        categories=("Study visit", "Bio-economy"),
    )
    (event,) = blocks(render_feed(META, [full]), "VEVENT")

    assert "LOCATION:Bio-Economy Hub\\, Ghent" in event
    assert "GEO:51.0543;3.7174" in event
    assert "DESCRIPTION:Bring safety shoes." in event
    assert "URL:https://clusterxchange.eu/visits/visit-0001" in event
    assert "CATEGORIES:Study visit,Bio-economy" in event


def test_timed_items_carry_a_tzid_and_all_day_items_a_date_with_an_exclusive_end():
    all_day = item("visit-all-day", start=date(2026, 10, 24), end=date(2026, 10, 26))
    timed, whole_days = blocks(render_feed(META, [all_day, item()]), "VEVENT")

    assert "DTSTART;TZID=Europe/Brussels:20260512T090000" in timed
    assert "DTEND;TZID=Europe/Brussels:20260512T110000" in timed
    assert "DTSTART;VALUE=DATE:20261024" in whole_days
    assert "DTEND;VALUE=DATE:20261026" in whole_days


def test_feed_carries_no_attendees_organizers_or_email_addresses():
    full = item(description="Hosted by the cluster office.", location="Ghent", geo=(51.0, 3.7))
    feed = render_feed(META, [full, *DST_ITEMS]).upper()

    for forbidden in (b"ATTENDEE", b"ORGANIZER", b"MAILTO:", b"@"):
        assert forbidden not in feed


def test_every_tzid_used_has_exactly_one_comment_free_vtimezone_before_the_events():
    feed = render_feed(META, DST_ITEMS)
    timezones = blocks(feed, "VTIMEZONE")

    assert [tz[0] for tz in timezones] == ["TZID:Asia/Tokyo", "TZID:Europe/Brussels"]
    assert Calendar.from_ical(feed).get_missing_tzids() == set()
    assert not any(line.startswith("COMMENT") for tz in timezones for line in tz)
    lines = unfolded(feed)
    assert lines.index("END:VTIMEZONE", lines.index("TZID:Europe/Brussels")) < lines.index(
        "BEGIN:VEVENT"
    )


def test_vtimezone_has_one_observance_per_dst_change_in_the_years_of_the_items():
    (brussels_tz,) = blocks(render_feed(META, [DST_ITEMS[0], DST_ITEMS[-1]]), "VTIMEZONE")

    assert not any(line.startswith("RDATE") for line in brussels_tz)
    assert [line for line in brussels_tz if line.startswith("DTSTART")] == [
        "DTSTART:20260101T000000",
        "DTSTART:20260329T030000",
        "DTSTART:20261025T030000",
        "DTSTART:20270328T030000",
        "DTSTART:20271031T030000",
        "DTSTART:20280326T030000",
        "DTSTART:20281029T030000",
    ]


def test_feed_without_timed_items_needs_no_vtimezone():
    whole_days = item(start=date(2026, 6, 1), end=date(2026, 6, 2))

    assert blocks(render_feed(META, [whole_days]), "VTIMEZONE") == []


def test_items_are_sorted_by_start_then_uid_whatever_the_input_order():
    items = [
        item("visit-b"),
        item("visit-a"),
        item("visit-early", start=brussels(2026, 5, 12, 8), end=brussels(2026, 5, 12, 9)),
        item("visit-all-day", start=date(2026, 5, 11), end=date(2026, 5, 12)),
    ]
    feeds = {render_feed(META, order) for order in itertools.permutations(items)}

    (feed,) = feeds
    uids = [line for line in unfolded(feed) if line.startswith("UID:")]
    assert uids == ["UID:visit-all-day", "UID:visit-early", "UID:visit-a", "UID:visit-b"]


def test_commas_semicolons_and_newlines_are_escaped_and_round_trip():
    feed = render_feed(META, [item(summary=SUMMARY, description=DESCRIPTION)])

    (event,) = blocks(feed, "VEVENT")
    assert "SUMMARY:Study visit\\, Ghent\\; day 2" in event
    assert "DESCRIPTION:Programme:\\n09:00 welcome\\, coffee\\; badges\\n10:00 lab tour" in event
    parsed = Calendar.from_ical(feed).events[0]
    assert (parsed["SUMMARY"], parsed["DESCRIPTION"]) == (SUMMARY, DESCRIPTION)
    vevent = vobject.readOne(feed.decode("utf-8")).vevent
    assert (vevent.summary.value, vevent.description.value) == (SUMMARY, DESCRIPTION)


def test_local_times_skipped_or_repeated_by_dst_are_pinned_to_utc_so_parsers_agree(ical_js):
    repeated_first = brussels(2026, 10, 25, 2, 30)
    repeated_second = repeated_first.replace(fold=1)
    skipped = brussels(2026, 3, 29, 2, 30)
    items = [
        item("visit-night-train", start=repeated_first, end=repeated_second),
        item("visit-gap", start=skipped, end=brussels(2026, 3, 29, 4)),
    ]
    feed = render_feed(META, items)

    gap, night = blocks(feed, "VEVENT")
    assert "DTSTART:20261025T003000Z" in night
    assert "DTEND:20261025T013000Z" in night
    assert "DTSTART:20260329T013000Z" in gap
    assert "DTEND;TZID=Europe/Brussels:20260329T040000" in gap
    parsed = {event["uid"]: event for event in ical_js(feed)["events"]}
    assert parsed["visit-night-train"]["start"]["utc"] == "2026-10-25T00:30:00Z"
    assert parsed["visit-night-train"]["end"]["utc"] == "2026-10-25T01:30:00Z"
    assert parsed["visit-gap"]["start"]["utc"] == "2026-03-29T01:30:00Z"


def test_vobject_parses_and_validates_the_feed_and_resolves_times_like_zoneinfo(
    fresh_vobject_tzids,
):
    all_day = item("visit-all-day", start=date(2026, 10, 24), end=date(2026, 10, 26))
    calendar = vobject.readOne(render_feed(META, [*DST_ITEMS, all_day]).decode("utf-8"))
    calendar.validate()

    assert [tz.tzid.value for tz in calendar.vtimezone_list] == ["Asia/Tokyo", "Europe/Brussels"]
    events = {event.uid.value: event for event in calendar.vevent_list}
    assert set(events) == {entry.uid for entry in DST_ITEMS} | {"visit-all-day"}
    for expected in DST_ITEMS:
        event = events[expected.uid]
        assert utc(event.dtstart.value) == utc(expected.start)
        assert utc(event.dtend.value) == utc(expected.end)
    assert events["visit-all-day"].dtend.value == date(2026, 10, 26)


def test_ical_js_reads_uids_sequences_statuses_and_utc_times_across_dst(ical_js):
    cancelled = replace(
        DST_ITEMS[0], status="CANCELLED", sequence=4, summary=SUMMARY, description=DESCRIPTION
    )
    all_day = item("visit-all-day", start=date(2026, 10, 24), end=date(2026, 10, 26))
    parsed = ical_js(render_feed(META, [cancelled, *DST_ITEMS[1:], all_day]))

    assert parsed["name"] == META.name
    assert parsed["refreshInterval"] == "PT1H"
    assert parsed["timezones"] == ["Asia/Tokyo", "Europe/Brussels"]
    events = {event["uid"]: event for event in parsed["events"]}
    stay = events["visit-dst-stay"]
    assert (stay["start"]["utc"], stay["end"]["utc"]) == (
        "2026-03-28T08:00:00Z",
        "2026-03-30T15:00:00Z",
    )
    assert (stay["sequence"], stay["status"]) == (4, "CANCELLED")
    assert (stay["summary"], stay["description"]) == (SUMMARY, DESCRIPTION)
    for expected in DST_ITEMS:
        event = events[expected.uid]
        assert event["start"] == {"utc": utc(expected.start), "zone": expected.start.tzinfo.key}
        assert event["end"] == {"utc": utc(expected.end), "zone": expected.end.tzinfo.key}
    assert events["visit-all-day"]["end"] == {"date": "2026-10-26", "zone": None}
    assert events["visit-all-day"]["status"] == "CONFIRMED"


@pytest.mark.parametrize(
    "changes",
    [
        {"start": date(2026, 5, 12)},
        {"end": datetime(2026, 5, 12, 11, 0)},
        {"end": datetime(2026, 5, 12, 11, 0, tzinfo=UTC)},
        {"end": brussels(2026, 5, 12, 9)},
        {"start": date(2026, 5, 12), "end": date(2026, 5, 12)},
        {"status": "POSTPONED"},
        {"sequence": -1},
        {"last_modified": datetime(2026, 2, 1, 9, 0)},
        {"created": datetime(2026, 1, 1, 9, 0)},
    ],
)
def test_feed_items_refuse_values_the_feed_cannot_represent(changes):
    with pytest.raises(ValueError):
        item(**changes)


def test_feed_meta_refuses_a_refresh_interval_that_is_not_positive():
    with pytest.raises(ValueError):
        replace(META, refresh=timedelta(0))
