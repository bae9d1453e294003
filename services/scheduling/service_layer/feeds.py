"""What each calendar feed shows, and the version that tells whether a feed may have changed.

Three feeds per event: the public programme (workshop and visits, no personal data), a
participant's own (their workshop and the visits they joined) and a host's (the visits it
receives, with group sizes). A cancelled item stays, with STATUS:CANCELLED and a higher
SEQUENCE, until the retention window after its cancellation has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from services.scheduling.adapters.orm import events, hosts, registrations, visits
from services.scheduling.adapters.repository import FeedReader, plausible_key
from services.scheduling.domain.commands import Location
from services.scheduling.domain.feed_items import FeedItem, FeedMeta
from services.scheduling.domain.model import CANCELLED, Programme
from services.scheduling.domain.visits import Visit

EVENT, PARTICIPANT, HOST = "events", "participants", "hosts"
KINDS = (EVENT, PARTICIPANT, HOST)


@dataclass(frozen=True)
class FeedSettings:
    """Where feeds are published, how long cancelled items stay, how often clients poll."""

    public_url: str
    retention: timedelta = timedelta(days=30)
    refresh: timedelta = timedelta(hours=1)

    def url(self, kind: str, key: str) -> str:
        return f"{self.public_url}/feeds/{kind}/{key}.ics"


@dataclass(frozen=True)
class FeedVersion:
    """``tag`` changes whenever the feed may have changed; ``last_modified`` moves with it."""

    tag: str
    last_modified: datetime


@dataclass(frozen=True)
class Feed:
    meta: FeedMeta
    items: list[FeedItem]


def feed_version(
    session: Session, kind: str, key: str, settings: FeedSettings, now: datetime
) -> FeedVersion | None:
    """One query: the programme's revision and how many cancelled items have aged out."""
    if not plausible_key(key):
        return None
    cutoff = now - settings.retention
    aged = and_(
        visits.c.event_id == events.c.id,
        visits.c.status == CANCELLED,
        visits.c.updated_at < cutoff,
    )
    query = select(
        events.c.id,
        events.c.revision,
        events.c.changed_at,
        events.c.status,
        events.c.updated_at,
        select(func.count()).where(aged).scalar_subquery(),
        select(func.max(visits.c.updated_at)).where(aged).scalar_subquery(),
    ).where(events.c.id == _event_of(kind, key))
    row = session.execute(query).first()
    if row is None:
        return None
    event_id, revision, changed_at, status, updated_at, aged_count, aged_last = row
    event_aged = status == CANCELLED and updated_at < cutoff
    stamps = [changed_at]
    stamps += [aged_last + settings.retention] if aged_last else []
    stamps += [updated_at + settings.retention] if event_aged else []
    return FeedVersion(f"{kind}:{event_id}:{revision}:{aged_count}:{event_aged}", max(stamps))


def _event_of(kind: str, key: str):
    """The event id of a feed: the key itself, or the event of the token's owner."""
    if kind == PARTICIPANT:
        owner = select(registrations.c.event_id).where(registrations.c.feed_token == key)
    elif kind == HOST:
        owner = select(hosts.c.event_id).where(hosts.c.feed_token == key)
    else:
        return key
    return owner.scalar_subquery()


def load_feed(
    session: Session, kind: str, key: str, settings: FeedSettings, now: datetime
) -> Feed | None:
    """The feed's calendar and items, or None for an unknown event or token.

    A participant's or host's feed loads only its owner and their visits, not the programme;
    the public feed loads the visits without their bookings.
    """
    if kind == PARTICIPANT:
        mine = FeedReader(session).participant(key)
        return None if mine is None else participant_feed(mine, key, settings, now)
    if kind == HOST:
        theirs = FeedReader(session).host(key)
        return None if theirs is None else host_feed(theirs, key, settings, now)
    programme = FeedReader(session).programme(key)
    return None if programme is None else event_feed(programme, settings, now)


def event_feed(programme: Programme, settings: FeedSettings, now: datetime) -> Feed:
    """The public programme: the workshop and its visits, without personal data."""
    items = _event_items(programme, settings, now)
    items += [visit_item(programme, v) for v in programme.visits if _shown(v, settings, now)]
    url = settings.url(EVENT, programme.id)
    meta = _meta(programme, programme.title, "The workshop and its study visits", url, settings)
    return Feed(meta, items)


def participant_feed(
    programme: Programme, token: str, settings: FeedSettings, now: datetime
) -> Feed:
    """A participant's workshop and the visits they joined, while their seat is confirmed."""
    registration = next(r for r in programme.registrations if r.feed_token == token)
    items = _event_items(programme, settings, now) + [
        visit_item(programme, visit)
        for visit in programme.visits
        if visit.booked(registration.id) and _shown(visit, settings, now)
    ]
    title = f"{programme.title}: my programme"
    url = settings.url(PARTICIPANT, token)
    meta = _meta(programme, title, "Your workshop and the study visits you joined", url, settings)
    return Feed(meta, items if registration.confirmed else [])


def host_feed(programme: Programme, token: str, settings: FeedSettings, now: datetime) -> Feed:
    """The visits one host receives, with group sizes and no participant details."""
    host = next(h for h in programme.hosts if h.feed_token == token)
    title = f"{programme.title}: visits to {host.organisation}"
    url = settings.url(HOST, token)
    meta = _meta(programme, title, "Study visits your organisation receives", url, settings)
    items = [
        visit_item(programme, visit, group_size=True)
        for visit in programme.visits
        if visit.host is host and _shown(visit, settings, now)
    ]
    return Feed(meta, items)


class _VisitFacts(NamedTuple):
    """Everything a visit's calendar entry is made of: equal facts give an equal entry."""

    visit_id: str
    title: str
    description: str
    host: str
    meeting_point: str | None
    requirements: tuple[str, ...]
    cancel_reason: str | None
    start: datetime
    end: datetime
    scheduled: bool
    sequence: int
    changed: datetime
    created: datetime
    location: Location
    timezone: str
    group: tuple[int, int] | None  # (booked, capacity) in the host's copy


def visit_item(programme: Programme, visit: Visit, group_size: bool = False) -> FeedItem:
    """A visit as a calendar entry; the host's copy also tells how many people come.

    Entries are built once per distinct set of facts and then reused, so a feed of an
    unchanged programme costs a lookup per visit rather than a rebuild.
    """
    changed = max(visit.updated_at, visit.roster_changed_at) if group_size else visit.updated_at
    facts = _VisitFacts(
        visit.id,
        visit.title,
        visit.description,
        visit.host.organisation,
        visit.meeting_point,
        tuple(visit.requirements),
        visit.cancel_reason,
        visit.start,
        visit.end,
        visit.scheduled,
        visit.sequence,
        changed,
        visit.created_at,
        visit.location,
        programme.timezone,
        (len(visit.bookings), visit.capacity) if group_size else None,
    )
    return _visit_entry(facts)


@lru_cache(maxsize=100_000)
def _visit_entry(facts: _VisitFacts) -> FeedItem:
    zone = ZoneInfo(facts.timezone)
    group = facts.group
    notes = [
        f"Group size: {group[0]} of {group[1]} seats" if group else "",
        facts.description,
        f"Host: {facts.host}",
        f"Meeting point: {facts.meeting_point}" if facts.meeting_point else "",
        f"Requirements: {'; '.join(facts.requirements)}" if facts.requirements else "",
        f"Cancelled: {facts.cancel_reason}" if facts.cancel_reason else "",
    ]
    location = facts.location
    return FeedItem(
        uid=f"visit-{facts.visit_id}",
        summary=f"Study visit: {facts.title}",
        start=facts.start.astimezone(zone),
        end=facts.end.astimezone(zone),
        status="CONFIRMED" if facts.scheduled else "CANCELLED",
        sequence=facts.sequence,
        last_modified=facts.changed,
        created=facts.created,
        description="\n".join(note for note in notes if note),
        location=str(location),
        geo=_geo(location.lat, location.lon),
        categories=("Study visit",),
    )


def event_item(programme: Programme) -> FeedItem:
    """The workshop itself as a calendar entry."""
    zone = ZoneInfo(programme.timezone)
    venue = programme.venue
    return FeedItem(
        uid=f"event-{programme.id}",
        summary=programme.title,
        start=programme.start.astimezone(zone),
        end=programme.end.astimezone(zone),
        status="CANCELLED" if programme.cancelled else "CONFIRMED",
        sequence=programme.sequence,
        last_modified=programme.updated_at,
        created=programme.created_at,
        description=programme.description or None,
        location=str(venue),
        geo=_geo(venue.lat, venue.lon),
        categories=("Workshop",),
    )


def _event_items(programme: Programme, settings: FeedSettings, now: datetime) -> list[FeedItem]:
    if programme.cancelled and programme.updated_at < now - settings.retention:
        return []
    return [event_item(programme)]


def _shown(visit: Visit, settings: FeedSettings, now: datetime) -> bool:
    """Scheduled visits, and cancelled ones until the retention window has passed."""
    return visit.scheduled or visit.updated_at >= now - settings.retention


def _geo(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return None if lat is None or lon is None else (lat, lon)


def _meta(
    programme: Programme, name: str, description: str, url: str, settings: FeedSettings
) -> FeedMeta:
    return FeedMeta(name, description, url, settings.refresh, programme.timezone)
