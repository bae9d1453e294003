"""Domain events hold values taken when the change happened, not the live aggregate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.scheduling.domain import events as ev
from services.scheduling.domain.errors import Forbidden
from services.scheduling.domain.policy import Policy
from services.scheduling.exchanges.domain.model import Credential
from services.scheduling.exchanges.service_layer.messages import exchange_message
from services.scheduling.service_layer.messages import to_message
from tests.scheduling.builders import NOW, brussels, programme, schedule
from tests.scheduling.exchange_builders import accepted, requested

POLICY = Policy()


def page(token: str) -> str:
    return f"https://x.example/exchange/{token}"


def test_a_visit_event_keeps_the_visit_as_it_stood_when_it_happened():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)
    joined = built.events[-1]

    built.edit_visit(visit.id, {"start": brussels(2026, 5, 12, 13)}, POLICY, NOW)
    built.cancel_visit(visit.id, "storm", NOW + timedelta(1))

    assert isinstance(joined.visit, ev.VisitFacts)
    assert (joined.visit.status, joined.visit.sequence) == ("scheduled", 0)
    _type, payload = to_message(joined)
    assert payload["visit"]["start"].isoformat() == "2026-05-12T14:00:00+02:00"
    assert payload["visit"]["timezone"] == "Europe/Brussels"


def test_visit_events_cannot_be_changed_once_recorded():
    built = programme("r1")
    built.schedule_visit(schedule(), POLICY, NOW)

    with pytest.raises(AttributeError):
        built.events[-1].visit = None  # type: ignore[misc]


def test_an_exchange_event_keeps_the_exchange_as_it_stood_after_that_change():
    exchange = accepted()
    accepted_event = exchange.events[-1]

    exchange.cancel("visitor", "plans changed", NOW + timedelta(1))

    assert accepted_event.exchange.status == "accepted_by_host"
    tokens = {"visitor": exchange.visitor_token, "host": exchange.host_token}
    kind, payload = exchange_message(accepted_event, tokens, page)
    assert (kind, payload["exchange"]["status"]) == ("exchange.accepted", "accepted_by_host")
    assert payload["exchange"]["updated_at"] == NOW
    cancelled = exchange_message(exchange.events[-1], tokens, page)[1]
    assert (cancelled["exchange"]["status"], cancelled["reason"]) == ("cancelled", "plans changed")
    assert cancelled["contacts"]["visitor"]["email"] == "ana@bioeco.example"


def test_each_party_of_an_exchange_message_gets_the_link_to_its_own_page():
    exchange = requested()
    tokens = {"visitor": exchange.visitor_token, "host": exchange.host_token}
    kind, payload = exchange_message(exchange.events[-1], tokens, page)
    assert kind == "exchange.requested"
    assert payload["contacts"]["host"]["page_url"] == f"https://x.example/exchange/{tokens['host']}"
    assert payload["contacts"]["visitor"]["page_url"].endswith(tokens["visitor"])
    assert exchange.host_token not in str(payload["exchange"])


def test_a_caller_is_the_party_whose_token_it_sent():
    exchange = requested()

    assert exchange.party(Credential(organiser=True)) == "organiser"
    assert exchange.party(Credential(False, exchange.visitor_token)) == "visitor"
    assert exchange.party(Credential(False, exchange.host_token)) == "host"
    with pytest.raises(Forbidden):
        exchange.party(Credential(False, "not-a-token-of-this-exchange"))
    with pytest.raises(Forbidden):
        exchange.party(Credential(False, None))
