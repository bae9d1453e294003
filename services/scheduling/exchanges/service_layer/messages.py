"""Translate exchange events into the published ``exchange.*`` contracts; values in, dicts out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.exchanges.domain.commands import Party
from services.scheduling.exchanges.domain.events import ExchangeChanged, ExchangeFacts, ItemFacts

# Only the messages that notifications turns into emails carry the parties' addresses
# (``completed`` too when there is a certificate to send).
WITH_CONTACTS = frozenset(
    {"requested", "accepted", "agenda_proposed", "agreed", "itinerary_changed", "cancelled"}
)
# The address of a party's own page, from its token; the token reaches only that party's email.
PageUrl = Callable[[str], str]


def party_view(party: Party) -> dict[str, Any]:
    """A party without personal data: organisation, cluster, country, sector, SME."""
    return {
        "organisation": party.organisation,
        "cluster": party.cluster,
        "country": party.country,
        "sector": party.sector,
        "sme": party.sme,
    }


def item_view(item: ItemFacts, zone: ZoneInfo) -> dict[str, Any]:
    """An agenda item; timed items in the exchange's time zone, all-day ones as dates."""
    return {
        "item_id": item.item_id,
        "title": item.title,
        "kind": item.kind,
        "place": item.place,
        "notes": item.notes,
        "start": item.start.astimezone(zone) if item.start else None,
        "end": item.end.astimezone(zone) if item.end else None,
        "first_day": item.first_day,
        "last_day": item.last_day,
        "sequence": item.sequence,
        "status": "cancelled" if item.cancelled else "planned",
    }


def exchange_snapshot(exchange: ExchangeFacts) -> dict[str, Any]:
    """The exchange as consumers see it: no names, addresses or tokens."""
    zone = ZoneInfo(exchange.timezone)
    return {
        "exchange_id": exchange.exchange_id,
        "status": exchange.status,
        "visitor": party_view(exchange.visitor),
        "host": party_view(exchange.host),
        "goals": exchange.goals,
        "first_day": exchange.first_day,
        "last_day": exchange.last_day,
        "timezone": exchange.timezone,
        "working_days": exchange.working_days,
        "attended_days": exchange.attended_days,
        "sequence": exchange.sequence,
        "updated_at": exchange.updated_at,
        "agenda": [item_view(item, zone) for item in exchange.agenda],
    }


def certificate_url(public_url: str, token: str) -> str:
    return f"{public_url}/api/v1/exchanges/certificates/{token}"


def exchange_message(
    event: ExchangeChanged, tokens: Mapping[str, str], page_url: PageUrl, public_url: str = ""
) -> tuple[str, dict[str, Any]]:
    """(message type, payload) for one transition or itinerary change; the contacts carry
    each party's page link (``tokens`` by side), so its email leads to its own page, and the
    party's language, which its emails speak."""
    exchange = event.exchange
    payload: dict[str, Any] = {"exchange": exchange_snapshot(exchange), "actor": event.actor}
    if event.what in ("cancelled", "rejected"):
        payload["reason"] = event.reason
    token = exchange.certificate_token if event.what == "completed" else None
    if event.what == "completed":
        payload["certificate_url"] = certificate_url(public_url, token) if token else None
        payload["contacts"] = None
    if event.what in WITH_CONTACTS or token:
        payload["contacts"] = {
            side: {
                "name": party.name,
                "email": party.email,
                "page_url": page_url(tokens[side]),
                "language": party.language,
            }
            for side, party in (("visitor", exchange.visitor), ("host", exchange.host))
        }
    return f"exchange.{event.what}", payload
