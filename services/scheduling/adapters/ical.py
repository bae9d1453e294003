"""Render feed items as a deterministic RFC 5545 / RFC 7986 iCalendar feed.

Every text property is added as a typed ``vText``, so icalendar escapes line breaks, ``;``,
``,`` and ``\\`` whatever the text holds: no title can end its line and inject properties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vText,
)

from services.scheduling.domain.feed_items import FeedItem, FeedMeta

PRODID = "-//ClusterXchange//Logistics Platform//EN"
END = b"END:VCALENDAR\r\n"

Observance = TimezoneStandard | TimezoneDaylight


@dataclass(frozen=True)
class RenderedEvent:
    """One item's VEVENT bytes, with the zones and years its VTIMEZONEs must cover."""

    body: bytes
    tzids: frozenset[str]
    years: tuple[int, int]


def render_event(item: FeedItem) -> RenderedEvent:
    """Serialise one item's VEVENT; the same item always gives the same bytes."""
    event = feed_event(item)
    tzids = frozenset(event[name].params.get("TZID") or "UTC" for name in ("DTSTART", "DTEND"))
    return RenderedEvent(event.to_ical(), tzids, (event.start.year, event.end.year))


def render_feed(
    meta: FeedMeta,
    items: Iterable[FeedItem],
    render: Callable[[FeedItem], RenderedEvent] = render_event,
) -> bytes:
    """Render the feed; the same meta and items always give the same bytes.

    ``render`` may return VEVENTs kept from an earlier render (see ``render_cache``), so a
    changed programme re-renders only the items that changed.
    """
    return assemble(meta, [render(item) for item in sorted(items, key=_sort_key)])


def assemble(meta: FeedMeta, events: list[RenderedEvent]) -> bytes:
    """The VCALENDAR around the events in their order, with one VTIMEZONE per zone used."""
    tzids = set().union(*(event.tzids for event in events)) - {"UTC"}
    calendar = feed_calendar(meta)
    if tzids:
        years = [year for event in events for year in event.years]
        first, last = date(min(years), 1, 1), date(max(years) + 1, 1, 1)
        calendar.subcomponents = [_vtimezone(tzid, first, last) for tzid in sorted(tzids)]
    head = calendar.to_ical()
    return head[: -len(END)] + b"".join(event.body for event in events) + END


def feed_calendar(meta: FeedMeta) -> Calendar:
    """Build the VCALENDAR with its publishing properties and no components."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    # No METHOD: a subscribed feed is a snapshot, not an iTIP transaction (RFC 5545 3.7.2),
    # and METHOD:PUBLISH would oblige an ORGANIZER on every VEVENT (RFC 5546 3.2.1).
    calendar.add("NAME", vText(meta.name))
    calendar.add("X-WR-CALNAME", vText(meta.name))
    calendar.add("DESCRIPTION", vText(meta.description))
    calendar.add("X-WR-CALDESC", vText(meta.description))
    calendar.add("SOURCE", meta.source_url, parameters={"VALUE": "URI"})
    calendar.add("REFRESH-INTERVAL", meta.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(meta.refresh))
    if meta.timezone is not None:
        calendar.add("X-WR-TIMEZONE", vText(meta.timezone))
    return calendar


def feed_event(item: FeedItem) -> Event:
    """Build the VEVENT for one item; DTSTAMP is its last change, never the clock."""
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
        "DESCRIPTION": _text(item.description),
        "LOCATION": _text(item.location),
        "GEO": item.geo,
        "URL": item.url,
    }
    for name, value in optional.items():
        if value is not None:
            event.add(name, value)
    if item.categories:
        event.add("CATEGORIES", [vText(category) for category in item.categories])
    return event


def _text(value: str | None) -> vText | None:
    return None if value is None else vText(value)


def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """Build a VTIMEZONE for tzid valid from first to last, one observance per onset."""
    timezone = Timezone.from_tzinfo(ZoneInfo(tzid), tzid, first_date=first, last_date=last)
    timezone.pop("COMMENT", None)
    observances: list[Observance] = [*timezone.standard, *timezone.daylight]
    timezone.subcomponents = sorted(
        (single for observance in observances for single in _split_rdates(observance)),
        key=lambda observance: observance.DTSTART,
    )
    return timezone


_vtimezone = lru_cache(maxsize=256)(vtimezone)  # built once per zone and span, then reused


def _split_rdates(observance: Observance) -> list[Observance]:
    """One copy per onset: ical.js reads one value per RDATE and dateutil none, so avoid RDATE."""
    onsets = [observance.DTSTART, *(start for start, _ in observance.rdates)]
    singles = []
    for onset in onsets:
        single = observance.copy()
        del single.rdates
        single.DTSTART = onset
        singles.append(single)
    return singles


def _unambiguous(moment: datetime | date) -> datetime | date:
    """Pin local times that a DST change skips or repeats to UTC, where parsers cannot disagree."""
    if not isinstance(moment, datetime):
        return moment
    if moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset():
        return moment.astimezone(UTC)
    return moment


def _sort_key(item: FeedItem) -> tuple[datetime, str]:
    start = item.start
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(), tzinfo=UTC)
    return start.astimezone(UTC), item.uid
