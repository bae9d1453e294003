"""Read-side shapes of exchanges: one exchange as its parties see it, and the programme's KPIs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any

from services.scheduling.domain.errors import InvalidTransition, NotFound
from services.scheduling.exchanges.adapters.certificate import exchange_certificate
from services.scheduling.exchanges.domain.commands import ExchangeFilter
from services.scheduling.exchanges.domain.model import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    ORGANISER,
    REJECTED,
    STATUSES,
    Caller,
    Credential,
    Exchange,
)
from services.scheduling.exchanges.domain.rules import non_working_days
from services.scheduling.exchanges.service_layer.messages import exchange_snapshot
from services.scheduling.exchanges.service_layer.unit_of_work import ExchangeUnitOfWork
from services.scheduling.service_layer.feeds import FeedSettings
from shared.calendar_links import subscription_links
from shared.pagination import Page, PageRequest, page_of

VISITOR_FEED, HOST_FEED = "exchanges/visitor", "exchanges/host"


def exchange(
    uow: ExchangeUnitOfWork, exchange_id: str, feeds: FeedSettings, caller: Caller
) -> dict[str, Any]:
    """The exchange as the caller's party sees it; another exchange's token is refused."""
    with uow:
        found = uow.exchanges.get(exchange_id, lock=False)
        return exchange_view(found, feeds, found.party(caller))


def certificate(uow: ExchangeUnitOfWork, exchange_id: str, caller: Caller) -> bytes:
    """The certificate of a completed exchange the visitor attended, for its parties."""
    with uow:
        found = uow.exchanges.get(exchange_id, lock=False)
        found.party(caller)
        if found.status != COMPLETED or not found.attended_days:
            raise InvalidTransition(
                "a certificate is issued once an attended exchange is completed"
            )
        return exchange_certificate(found)


def certificate_by_token(uow: ExchangeUnitOfWork, token: str) -> bytes:
    """The certificate behind the link of the certificate email."""
    with uow:
        found = uow.exchanges.by_certificate_token(token)
        if found is None:
            raise NotFound("unknown certificate link")
        return exchange_certificate(found)


def exchanges(
    uow: ExchangeUnitOfWork, feeds: FeedSettings, page: PageRequest
) -> Page[dict[str, Any]]:
    """A page of exchanges, oldest first, as organisers see them."""
    with uow:
        found = uow.exchanges.page(page)
        shape = partial(exchange_view, feeds=feeds, actor=ORGANISER)
        return page_of(found, attrgetter("created_at", "id"), page, shape, uow.exchanges.count())


def search(
    uow: ExchangeUnitOfWork, feeds: FeedSettings, found: ExchangeFilter, limit: int = 200
) -> list[dict[str, Any]]:
    """The exchanges an organiser filtered for, latest first."""
    with uow:
        return [exchange_view(e, feeds, ORGANISER) for e in uow.exchanges.search(found, limit)]


def party_exchange(
    uow: ExchangeUnitOfWork, token: str, feeds: FeedSettings
) -> tuple[dict[str, Any], str] | None:
    """The exchange as the party holding this token sees it, and which party that is."""
    with uow:
        found = uow.exchanges.by_any_token(token)
        if found is None:
            return None
        party = found.party(Credential(organiser=False, token=token))
        return exchange_view(found, feeds, party), party


def party_language(uow: ExchangeUnitOfWork, token: str) -> str | None:
    """The language of the party holding this token, for its pages; None for any other."""
    with uow:
        found = uow.exchanges.by_any_token(token)
        if found is None:
            return None
        party = found.party(Credential(organiser=False, token=token))
        return str(getattr(found, party).language)


def non_working(view: dict[str, Any], holidays: Collection[date]) -> dict[str, list[date]]:
    """The planned agenda items that fall on weekends or public holidays, with those days."""
    found = {}
    for item in view["agenda"]:
        if item["status"] != "planned":
            continue
        first = item["first_day"] or item["start"].date()
        last = item["last_day"] or item["end"].date()
        days = non_working_days(first, last, holidays)
        if days:
            found[item["item_id"]] = days
    return found


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
        return _figures(uow.exchanges.figures())


def _figures(rows: Iterable[Any]) -> dict[str, Any]:
    """One pass over the exchanges' reported columns, so memory does not grow with them."""
    total, by_status = 0, Counter[str]()
    visitors, hosts, pairs, sectors = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    sme_visitors = sme_hosts = planned = completed = 0
    for row in rows:
        total += 1
        by_status[row.status] += 1
        if row.status in (CANCELLED, REJECTED):
            continue
        visitors[row.visitor_country] += 1
        hosts[row.host_country] += 1
        pairs[f"{row.visitor_country}->{row.host_country}"] += 1
        sectors[row.visitor_sector] += 1
        sme_visitors += row.visitor_sme
        sme_hosts += row.host_sme
        planned += row.working_days if row.status in ACTIVE else 0
        completed += row.attended_days or 0
    return {
        "exchanges": total,
        "by_status": {status: by_status[status] for status in STATUSES},
        "visitor_countries": _count(visitors),
        "host_countries": _count(hosts),
        "country_pairs": _count(pairs),
        "sectors": _count(sectors),
        "sme_visitors": sme_visitors,
        "sme_hosts": sme_hosts,
        "days_abroad_planned": planned,
        "days_abroad_completed": completed,
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


def _count(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items()))
