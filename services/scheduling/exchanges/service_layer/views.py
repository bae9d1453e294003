"""Read-side shapes of exchanges: one exchange as its parties see it, and the programme's KPIs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from services.scheduling.exchanges.domain.model import (
    ACTIVE,
    CANCELLED,
    ORGANISER,
    REJECTED,
    STATUSES,
    Caller,
    Exchange,
)
from services.scheduling.exchanges.service_layer.messages import exchange_snapshot
from services.scheduling.exchanges.service_layer.unit_of_work import ExchangeUnitOfWork
from services.scheduling.service_layer.feeds import FeedSettings
from shared.calendar_links import subscription_links

VISITOR_FEED, HOST_FEED = "exchanges/visitor", "exchanges/host"


def exchange(
    uow: ExchangeUnitOfWork, exchange_id: str, feeds: FeedSettings, caller: Caller
) -> dict[str, Any]:
    """The exchange as the caller's party sees it; another exchange's token is refused."""
    with uow:
        found = uow.exchanges.get(exchange_id, lock=False)
        return exchange_view(found, feeds, found.party(caller))


def exchanges(uow: ExchangeUnitOfWork, feeds: FeedSettings) -> list[dict[str, Any]]:
    """Every exchange, oldest first, as organisers see it."""
    with uow:
        return [exchange_view(e, feeds, ORGANISER) for e in uow.exchanges.all()]


def exchange_view(
    exchange: Exchange, feeds: FeedSettings, actor: str, tokens: bool = False
) -> dict[str, Any]:
    """The exchange with both parties' contacts; a party sees its own feed, organisers both.

    The tokens themselves appear only once, in the answer to the request that created them.
    """
    view = exchange_snapshot(exchange.facts()) | {
        "id": exchange.id,
        "visitor": vars(exchange.visitor),
        "host": vars(exchange.host),
        "visitor_confirmed_at": exchange.visitor_confirmed_at,
        "host_confirmed_at": exchange.host_confirmed_at,
        "attendance_note": exchange.attendance_note,
        "closed_reason": exchange.closed_reason,
        "closed_by": exchange.closed_by,
        "created_at": exchange.created_at,
    }
    feed_kinds = {"visitor": VISITOR_FEED, "host": HOST_FEED}
    for party, kind in feed_kinds.items():
        if actor in (party, ORGANISER):
            token = getattr(exchange, f"{party}_token")
            view[f"{party}_feed"] = subscription_links(feeds.url(kind, token))
            if tokens:
                view[f"{party}_token"] = token
    return view


def kpis(uow: ExchangeUnitOfWork) -> dict[str, Any]:
    """Figures for the programme's reporting; countries, sectors and SMEs count every exchange
    that was not rejected or cancelled; days abroad are working days."""
    with uow:
        return _figures(uow.exchanges.all())


def _figures(everything: list[Exchange]) -> dict[str, Any]:
    going = [e for e in everything if e.status not in (CANCELLED, REJECTED)]
    return {
        "exchanges": len(everything),
        "by_status": {status: sum(e.status == status for e in everything) for status in STATUSES},
        "visitor_countries": _count(e.visitor.country for e in going),
        "host_countries": _count(e.host.country for e in going),
        "country_pairs": _count(f"{e.visitor.country}->{e.host.country}" for e in going),
        "sectors": _count(e.visitor.sector for e in going),
        "sme_visitors": sum(e.visitor.sme for e in going),
        "sme_hosts": sum(e.host.sme for e in going),
        "days_abroad_planned": sum(e.working_days for e in going if e.status in ACTIVE),
        "days_abroad_completed": sum(e.attended_days or 0 for e in going),
    }


def kpi_table(figures: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The KPIs as rows of (metric, key, value) for spreadsheets."""
    rows: list[list[Any]] = []
    for metric, value in figures.items():
        if isinstance(value, dict):
            rows.extend([metric, key, count] for key, count in value.items())
        else:
            rows.append([metric, "", value])
    return ["metric", "key", "value"], rows


def _count(values) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))
