"""Scheduling: feed tokens act only for their own registration, exchange tokens only on their
own exchange, and the public programme feed carries no personal data.

Already covered elsewhere and not repeated here: joining/leaving for another registration
(tests/scheduling/api/test_participants_api.py), another exchange's token on accept and the
wrong party (test_exchanges_api.py), rotate/revoke killing the old feed URL (test_tokens_api.py).
"""

from __future__ import annotations

import pytest

from tests.scheduling.builders import EVENT_ID, registration_payload, token_of, visit_body
from tests.scheduling.exchange_builders import as_, exchange_body, meeting_body

ZOFIA = {"name": "Zofia Wiśniewska-Brandt", "email": "zofia.brandt@example.pl", "language": "pl"}


def test_the_public_event_feed_and_visit_list_name_nobody(client, deliver, visit_id):
    deliver("registration.confirmed", registration_payload("r3", participant=ZOFIA))
    for registration_id in ("r1", "r3"):
        joined = client.post(
            f"/api/v1/visits/{visit_id}/participants", json={}, headers=token_of(registration_id)
        )
        assert joined.status_code == 201, joined.json

    feed = client.get(f"/feeds/events/{EVENT_ID}.ics")
    visits = client.get(f"/api/v1/events/{EVENT_ID}/visits")
    one = client.get(f"/api/v1/visits/{visit_id}")

    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    ana = registration_payload("r1")["participant"]
    private = [
        ana["name"],
        ana["email"],
        ZOFIA["name"],
        ZOFIA["email"],
        registration_payload("r1")["feed_token"],
        registration_payload("r3")["feed_token"],
        visit_body()["host"]["contact_name"],  # the host's contact is for organisers too
        visit_body()["host"]["contact_email"],
    ]
    for body in (feed.data.decode(), visits.text, one.text):
        unfolded = body.replace("\r\n ", "")
        for value in private:
            assert value not in unfolded, value
        assert "Wiśniewska" not in unfolded and "Brandt" not in unfolded
    for listed in (*visits.json["items"], one.json):
        assert not listed.get("participants")  # who is booked is for organisers only
    assert visits.json["items"][0]["seats_taken"] == 2


def test_a_feed_token_cannot_rank_for_another_registration(client, organiser, visit_id):
    second = client.post(
        f"/api/v1/events/{EVENT_ID}/visits",
        json=visit_body(
            title="Visit to Other Lab",
            host={"organisation": "Other Lab", "contact_name": "C", "contact_email": "c@o.ex"},
            location={"name": "Other Lab", "address": "Other street 1"},
        ),
        headers=organiser,
    )
    assert second.status_code == 201, second.json
    block = client.post(
        f"/api/v1/events/{EVENT_ID}/blocks",
        json={"title": "Tuesday afternoon", "visit_ids": [visit_id, second.json["id"]]},
        headers=organiser,
    )
    assert block.status_code == 201, block.json
    url = f"/api/v1/blocks/{block.json['id']}/preferences"
    ranking = [visit_id, second.json["id"]]

    others = client.put(
        url, json={"ranking": ranking, "registration_id": "r2"}, headers=token_of("r1")
    )
    own = client.put(url, json={"ranking": ranking}, headers=token_of("r1"))

    assert others.status_code == 403 and others.mimetype == "application/problem+json"
    assert (own.status_code, own.json["registration_id"]) == (200, "r1")


def test_a_rotated_or_revoked_feed_token_no_longer_acts(client, organiser, visit_id):
    url = f"/api/v1/visits/{visit_id}/participants"
    rotated = client.post("/api/v1/registrations/r1/feed-token/rotate", headers=organiser)
    new_token = rotated.json["feed"]["https"].rsplit("/", 1)[-1].removesuffix(".ics")

    assert client.post(url, json={}, headers=token_of("r1")).status_code == 401
    assert client.post(url, json={}, headers={"X-Participant-Token": new_token}).status_code == 201

    client.post("/api/v1/registrations/r1/feed-token/revoke", headers=organiser)
    leave = client.delete(f"{url}/r1", headers={"X-Participant-Token": new_token})
    assert leave.status_code == 401


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", "", None),
        ("post", "/confirm", {}),
        ("post", "/reject", {"reason": "not mine"}),
        ("post", "/cancel", {"reason": "not mine"}),
        ("post", "/agenda", meeting_body()),
        ("put", "/agenda/any-item", meeting_body()),
        ("delete", "/agenda/any-item", None),
    ],
)
def test_an_exchange_token_acts_only_on_its_own_exchange(
    exchange_client, organiser, exchange, method, action, body
):
    other_body = exchange_body()
    other_body["visitor"]["email"] = "other@bioeco.example"
    other = exchange_client.post("/api/v1/exchanges", json=other_body, headers=organiser).json

    for party in ("visitor", "host"):
        response = exchange_client.open(
            f"/api/v1/exchanges/{exchange['id']}{action}",
            method=method.upper(),
            json=body,
            headers=as_(party, other),
        )
        assert response.status_code == 403, (party, response.json)
    untouched = exchange_client.get(f"/api/v1/exchanges/{exchange['id']}", headers=organiser)
    assert untouched.json["status"] == "requested"


def test_a_party_page_shows_its_own_exchange_and_feed_only(exchange_client, organiser, exchange):
    other_body = exchange_body(goals="Secret plans of another visitor")
    other_body["visitor"] |= {"email": "other@bioeco.example", "name": "Olga Other"}
    other = exchange_client.post("/api/v1/exchanges", json=other_body, headers=organiser).json

    page = exchange_client.get(f"/exchange/{exchange['visitor_token']}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    body = page.get_data(as_text=True)
    assert f"/feeds/exchanges/visitor/{exchange['visitor_token']}.ics" in body
    for foreign in (exchange["host_token"], other["visitor_token"], other["host_token"]):
        assert foreign not in body
    assert "Olga Other" not in body and "Secret plans" not in body
    refused = exchange_client.post(f"/exchange/{other['visitor_token']}x/confirm", data={})
    assert refused.status_code in (400, 404)  # no CSRF token, or no such link: never acted on
