"""The private feeds of an exchange: the visitor's and the host's copy of the itinerary.

Both show the exchange itself as an all-day entry (VALUE=DATE, exclusive end) and each agenda
item; TENTATIVE until both sides agreed, CONFIRMED then, CANCELLED when an item is removed or
the exchange called off. Every status change raises the SEQUENCE of what it touches.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scheduling.adapters.orm import exchanges
from services.scheduling.adapters.repository import plausible_key
from services.scheduling.domain.feed_items import FeedItem, FeedMeta, FeedStatus
from services.scheduling.exchanges.adapters.repository import TOKEN_COLUMNS, ExchangeRepository
from services.scheduling.exchanges.domain.agenda import AgendaItem
from services.scheduling.exchanges.domain.model import (
    AGREED,
    CANCELLED,
    COMPLETED,
    REJECTED,
    Exchange,
)
from services.scheduling.exchanges.service_layer.views import HOST_FEED, VISITOR_FEED
from services.scheduling.service_layer.feeds import Feed, FeedSettings, FeedVersion

KINDS = {VISITOR_FEED: "visitor", HOST_FEED: "host"}
ITEM_LABELS = {"site_visit": "Site visit", "meeting": "Meeting", "other": "Exchange"}


def feed_version(
    session: Session, kind: str, key: str, settings: FeedSettings, now: datetime
) -> FeedVersion | None:
    """One query: the exchange's revision and last change."""
    if not plausible_key(key):
        return None
    query = select(exchanges.c.id, exchanges.c.revision, exchanges.c.updated_at).where(
        TOKEN_COLUMNS[KINDS[kind]] == key
    )
    row = session.execute(query).first()
    if row is None:
        return None
    return FeedVersion(f"{kind}:{row.id}:{row.revision}", row.updated_at)


def load_feed(
    session: Session, kind: str, key: str, settings: FeedSettings, now: datetime
) -> Feed | None:
    """The feed of the party whose token ``key`` is, or None for an unknown token."""
    exchange = ExchangeRepository(session).by_token(KINDS[kind], key)
    return None if exchange is None else exchange_feed(exchange, kind, settings)


def exchange_feed(exchange: Exchange, kind: str, settings: FeedSettings) -> Feed:
    """The exchange and its agenda, titled for the visitor or for the host."""
    visitor, host = exchange.visitor, exchange.host
    if KINDS[kind] == "visitor":
        name = f"Exchange at {host.organisation}"
        description = "Your ClusterXchange exchange and its agenda"
    else:
        name = f"Exchange visitor: {visitor.name} ({visitor.organisation})"
        description = "The ClusterXchange exchange your organisation hosts"
    url = settings.url(kind, getattr(exchange, f"{KINDS[kind]}_token"))
    meta = FeedMeta(name, description, url, settings.refresh, exchange.timezone)
    items = [span_item(exchange)] + [item_entry(exchange, item) for item in exchange.items]
    return Feed(meta, items)


def span_item(exchange: Exchange) -> FeedItem:
    """The whole exchange as one all-day entry; DTEND is the day after the last day."""
    visitor, host = exchange.visitor, exchange.host
    return FeedItem(
        uid=f"exchange-{exchange.id}",
        summary=f"Exchange: {visitor.organisation} ({visitor.country}) at "
        f"{host.organisation} ({host.country})",
        start=exchange.first_day,
        end=exchange.last_day + timedelta(days=1),
        status=_status(exchange),
        sequence=exchange.sequence,
        last_modified=exchange.updated_at,
        created=exchange.created_at,
        description=f"Goals: {exchange.goals}\nHost contact: {host.name} <{host.email}>",
        categories=("Exchange",),
    )


def item_entry(exchange: Exchange, item: AgendaItem) -> FeedItem:
    """An agenda item: timed in the exchange's zone, or all-day with an exclusive end."""
    start, end = item.span(ZoneInfo(exchange.timezone))
    return FeedItem(
        uid=f"exchange-item-{item.id}",
        summary=f"{ITEM_LABELS.get(item.kind, 'Exchange')}: {item.title}",
        start=start,
        end=end,
        status="CANCELLED" if item.cancelled else _status(exchange),
        sequence=item.sequence,
        last_modified=item.updated_at,
        created=item.created_at,
        description=item.notes or None,
        location=item.place,
        categories=("Exchange",),
    )


def _status(exchange: Exchange) -> FeedStatus:
    if exchange.status in (CANCELLED, REJECTED):
        return "CANCELLED"
    return "CONFIRMED" if exchange.status in (AGREED, COMPLETED) else "TENTATIVE"
