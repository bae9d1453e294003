"""The exchanges API on PostgreSQL: who may do what, clear problems, messages via the outbox."""

from __future__ import annotations

import csv
import io

import pytest

from services.scheduling.domain.errors import ActiveExchangeExists
from tests.scheduling.exchange_builders import (
    EXCHANGE_ENV,
    act,
    all_day_body,
    as_,
    exchange_body,
    meeting_body,
    requested,
)

pytestmark = pytest.mark.integration


def test_an_organiser_requests_an_exchange_and_gets_both_tokens_once(
    exchange_client, organiser, exchange
):
    assert exchange["status"] == "requested" and exchange["working_days"] == 5
    assert exchange["visitor_token"] != exchange["host_token"]
    assert exchange["visitor_feed"]["https"].endswith(
        f"/feeds/exchanges/visitor/{exchange['visitor_token']}.ics"
    )
    again = exchange_client.get(f"/api/v1/exchanges/{exchange['id']}", headers=organiser).json
    assert "visitor_token" not in again and "host_token" not in again


def test_requesting_needs_an_organiser_credential(exchange_client):
    response = exchange_client.post("/api/v1/exchanges", json=exchange_body())
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_an_ineligible_request_is_a_clear_problem(exchange_client, organiser):
    body = exchange_body(first_day="2026-05-13", last_day="2026-05-15")
    response = exchange_client.post("/api/v1/exchanges", json=body, headers=organiser)
    assert response.status_code == 422
    assert "at least 3 working days" in response.json["detail"]
    assert "has 2" in response.json["detail"]


def test_outside_the_configured_programme_period_is_refused(exchange_client, organiser):
    body = exchange_body(first_day="2027-01-04", last_day="2027-01-08")
    response = exchange_client.post("/api/v1/exchanges", json=body, headers=organiser)
    assert response.status_code == 422 and "programme period" in response.json["detail"]


def test_a_second_active_exchange_of_the_same_visitor_is_a_conflict(
    exchange_client, organiser, exchange
):
    body = exchange_body(first_day="2026-06-01", last_day="2026-06-05")
    body["visitor"]["email"] = "ANA@bioeco.example"
    response = exchange_client.post("/api/v1/exchanges", json=body, headers=organiser)
    assert response.status_code == 409 and "active exchange" in response.json["detail"]


def test_the_country_rule_follows_the_configuration(make_app, organiser):
    body = exchange_body()
    body["host"]["country"] = "PT"
    strict = make_app(**EXCHANGE_ENV).test_client()
    assert strict.post("/api/v1/exchanges", json=body, headers=organiser).status_code == 422
    relaxed = make_app(**EXCHANGE_ENV, EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES="false").test_client()
    assert relaxed.post("/api/v1/exchanges", json=body, headers=organiser).status_code == 201


def test_the_whole_lifecycle_with_each_party_token(
    exchange_client, organiser, agreed_exchange, outbox_messages
):
    done = exchange_client.post(
        f"/api/v1/exchanges/{agreed_exchange['id']}/complete",
        json={"attended_days": 5},
        headers=organiser,
    )
    assert done.status_code == 200 and done.json["status"] == "completed"
    types = [kind for kind, _ in outbox_messages() if kind.startswith("exchange.")]
    assert types == [
        "exchange.requested",
        "exchange.accepted",
        "exchange.agenda_proposed",
        "exchange.agreed",
        "exchange.completed",
    ]


def test_a_transition_writes_its_message_to_the_outbox(exchange_client, exchange, outbox_messages):
    act(exchange_client, exchange, "accept", "host")
    kind, payload = outbox_messages()[-1]
    assert kind == "exchange.accepted"
    assert payload["exchange"]["exchange_id"] == exchange["id"]
    assert payload["exchange"]["status"] == "accepted_by_host"
    assert payload["actor"] == "host"
    assert exchange["visitor_token"] not in str(payload["exchange"])
    pages = {side: contact["page_url"] for side, contact in payload["contacts"].items()}
    assert pages["visitor"].endswith(f"/exchange/{exchange['visitor_token']}")
    assert pages["host"].endswith(f"/exchange/{exchange['host_token']}")


def test_a_rejection_carries_no_contacts(exchange_client, exchange, outbox_messages):
    act(exchange_client, exchange, "reject", "host", reason="full")
    kind, payload = outbox_messages()[-1]
    assert kind == "exchange.rejected" and "contacts" not in payload


def test_agreement_and_cancellation_carry_the_contacts_for_emails(
    exchange_client, agreed_exchange, outbox_messages
):
    act(exchange_client, agreed_exchange, "cancel", "visitor", reason="illness")
    kind, payload = outbox_messages()[-1]
    assert kind == "exchange.cancelled" and payload["reason"] == "illness"
    assert payload["contacts"]["host"]["email"] == "jonas@enerlab.example"


def test_the_wrong_party_is_forbidden(exchange_client, exchange):
    response = act(exchange_client, exchange, "accept", "visitor")
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_another_exchange_token_is_forbidden(exchange_client, organiser, exchange):
    body = exchange_body()
    body["visitor"]["email"] = "other@bioeco.example"
    other = exchange_client.post("/api/v1/exchanges", json=body, headers=organiser).json
    url = f"/api/v1/exchanges/{exchange['id']}/accept"
    assert exchange_client.post(url, headers=as_("host", other)).status_code == 403


def test_no_credential_at_all_is_unauthorised(exchange_client, exchange):
    response = exchange_client.post(f"/api/v1/exchanges/{exchange['id']}/accept")
    assert response.status_code == 401


def test_the_wrong_state_is_a_conflict(exchange_client, exchange):
    response = act(exchange_client, exchange, "confirm", "visitor")
    assert response.status_code == 409
    assert "requested" in response.json["detail"]


def test_an_unknown_exchange_is_not_found(exchange_client, organiser):
    response = exchange_client.get("/api/v1/exchanges/nope", headers=organiser)
    assert response.status_code == 404


def test_the_host_rejects(exchange_client, exchange, outbox_messages):
    response = act(exchange_client, exchange, "reject", "host", reason="fully booked")
    assert response.json["status"] == "rejected"
    assert outbox_messages()[-1][0] == "exchange.rejected"


def test_a_party_sees_only_its_own_feed(exchange_client, exchange):
    seen = exchange_client.get(
        f"/api/v1/exchanges/{exchange['id']}", headers=as_("visitor", exchange)
    ).json
    assert "visitor_feed" in seen and "host_feed" not in seen


def test_changing_an_agreed_agenda_emits_itinerary_changed(
    exchange_client, agreed_exchange, outbox_messages
):
    item_id = exchange_client.get(
        f"/api/v1/exchanges/{agreed_exchange['id']}", headers=as_("host", agreed_exchange)
    ).json["agenda"][0]["item_id"]
    url = f"/api/v1/exchanges/{agreed_exchange['id']}/agenda/{item_id}"
    moved = meeting_body(start="2026-05-05T14:00:00+02:00", end="2026-05-05T16:00:00+02:00")
    assert (
        exchange_client.put(url, json=moved, headers=as_("host", agreed_exchange)).status_code
        == 200
    )
    kind, payload = outbox_messages()[-1]
    assert kind == "exchange.itinerary_changed"
    assert payload["exchange"]["agenda"][0]["sequence"] == 2
    assert exchange_client.delete(url, headers=as_("host", agreed_exchange)).status_code == 204
    assert outbox_messages()[-1][1]["exchange"]["agenda"][0]["status"] == "cancelled"


def test_a_half_timed_half_all_day_item_is_refused(exchange_client, exchange):
    act(exchange_client, exchange, "accept", "host")
    body = all_day_body(start="2026-05-05T10:00:00+02:00")
    response = act(exchange_client, exchange, "agenda", "host", **body)
    assert response.status_code == 422


def test_kpis_in_json_and_csv(exchange_client, organiser, agreed_exchange):
    body = exchange_body(first_day="2026-06-01", last_day="2026-06-05")
    body["visitor"] |= {"email": "li@grid.example", "country": "FR", "sme": False}
    exchange_client.post("/api/v1/exchanges", json=body, headers=organiser)
    figures = exchange_client.get("/api/v1/exchanges/kpis", headers=organiser).json
    assert figures["exchanges"] == 2
    assert figures["by_status"]["agreed"] == 1 and figures["by_status"]["requested"] == 1
    assert figures["visitor_countries"] == {"FR": 1, "PT": 1}
    assert figures["country_pairs"] == {"FR->DE": 1, "PT->DE": 1}
    assert figures["sectors"] == {"bio-economy": 2}
    assert figures["sme_visitors"] == 1 and figures["days_abroad_planned"] == 10
    response = exchange_client.get("/api/v1/exchanges/kpis?format=csv", headers=organiser)
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["metric", "key", "value"]
    assert ["visitor_countries", "PT", "1"] in rows and ["exchanges", "", "2"] in rows


def test_kpis_are_for_organisers(exchange_client, exchange):
    response = exchange_client.get("/api/v1/exchanges/kpis", headers=as_("visitor", exchange))
    assert response.status_code == 401


def test_the_database_keeps_one_active_exchange_per_visitor_even_past_the_check(make_app):
    container = make_app(**EXCHANGE_ENV).extensions["container"]
    with container.uow() as uow:
        uow.exchanges.add(requested())
        uow.commit()
    with container.uow() as uow, pytest.raises(ActiveExchangeExists):
        uow.exchanges.add(requested())  # as if a concurrent request had passed the count
