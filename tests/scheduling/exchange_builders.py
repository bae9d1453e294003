"""Test data for exchanges: parties, requests, agenda items and request bodies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.exchanges.domain.agenda import ItemDetails
from services.scheduling.exchanges.domain.model import Exchange, Party, RequestExchange
from services.scheduling.exchanges.domain.rules import ExchangeRules
from tests.scheduling.builders import NOW

BERLIN = ZoneInfo("Europe/Berlin")
RULES = ExchangeRules(
    programme_start=date(2026, 1, 1),
    programme_end=date(2026, 12, 31),
    holidays=frozenset({date(2026, 5, 1), date(2026, 5, 14)}),
)
VISITOR = Party(
    "Ana Silva",
    "ana@bioeco.example",
    "BioEco Lda",
    "Portugal Bioeconomy",
    "PT",
    "bio-economy",
    True,
)
HOST = Party(
    "Jonas Weber",
    "jonas@enerlab.example",
    "EnerLab GmbH",
    "Energy Cluster Berlin",
    "DE",
    "energy",
    False,
)


def request(**changes: Any) -> RequestExchange:
    """Monday 4 to Friday 8 May 2026 at a Berlin host: five working days."""
    base = RequestExchange(
        VISITOR,
        HOST,
        "Learn grid-scale storage",
        date(2026, 5, 4),
        date(2026, 5, 8),
        "Europe/Berlin",
    )
    return replace(base, **changes)


def requested(**changes: Any) -> Exchange:
    return Exchange.request(request(**changes), RULES, 0, NOW)


def accepted() -> Exchange:
    exchange = requested()
    exchange.accept("host", NOW)
    return exchange


def meeting(hour: int = 10, day: int = 5, **changes: Any) -> ItemDetails:
    return replace(
        ItemDetails(
            "Kick-off with the storage team",
            "meeting",
            "EnerLab, Torstraße 1, Berlin",
            start=datetime(2026, 5, day, hour, tzinfo=BERLIN),
            end=datetime(2026, 5, day, hour + 2, tzinfo=BERLIN),
        ),
        **changes,
    )


def site_days() -> ItemDetails:
    return ItemDetails(
        "Battery park",
        "site_visit",
        "Lausitz",
        first_day=date(2026, 5, 6),
        last_day=date(2026, 5, 7),
    )


def agreed() -> Exchange:
    exchange = accepted()
    exchange.add_item("host", meeting(), NOW)
    exchange.confirm("visitor", NOW)
    exchange.confirm("host", NOW)
    return exchange


def party_body(party: Party) -> dict[str, Any]:
    return vars(party).copy()


def exchange_body(**changes: Any) -> dict[str, Any]:
    return {
        "visitor": party_body(VISITOR),
        "host": party_body(HOST),
        "goals": "Learn grid-scale storage",
        "first_day": "2026-05-04",
        "last_day": "2026-05-08",
        "timezone": "Europe/Berlin",
    } | changes


def meeting_body(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Kick-off with the storage team",
        "kind": "meeting",
        "place": "EnerLab, Torstraße 1, Berlin",
        "start": "2026-05-05T10:00:00+02:00",
        "end": "2026-05-05T12:00:00+02:00",
    } | changes


def all_day_body(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Battery park",
        "kind": "site_visit",
        "place": "Lausitz",
        "first_day": "2026-05-06",
        "last_day": "2026-05-07",
    } | changes


EXCHANGE_ENV = {
    "PROGRAMME_START": "2026-01-01",
    "PROGRAMME_END": "2026-12-31",
    "PUBLIC_HOLIDAYS": "2026-05-01, 2026-05-14",
}


def as_(party: str, created: dict) -> dict[str, str]:
    """The header with which the visitor or host of a created exchange acts."""
    return {"X-Exchange-Token": created[f"{party}_token"]}


def act(client, created: dict, action: str, party: str, **body: Any):
    """POST /api/v1/exchanges/{id}/{action} as the visitor or host."""
    url = f"/api/v1/exchanges/{created['id']}/{action}"
    return client.post(url, json=body, headers=as_(party, created))
