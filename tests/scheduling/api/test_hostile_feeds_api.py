"""Hostile text through the API into every feed: 200, escaped, read alike by four parsers.

The issue's title ``X\\r\\nATTENDEE:mailto:evil@x`` reaches scheduling from registration's
messages (older data; registration now refuses it); visit and exchange fields come over the API.
"""

from __future__ import annotations

import pytest

from tests.feed_parsers import MULTI_LINE, ONE_LINE, agreed, stored
from tests.scheduling.api.test_exchange_feeds_api import feed_path
from tests.scheduling.api.test_feeds_api import EVENT_FEED, PERSONAL_FEED, host_feed_url, join
from tests.scheduling.builders import EVENT_ID, event_payload, registration_payload, visit_body
from tests.scheduling.exchange_builders import act, all_day_body, exchange_body, meeting_body

pytestmark = pytest.mark.integration

ISSUE_TITLE = "X\r\nATTENDEE:mailto:evil@x"


@pytest.fixture
def hostile_visit(client, organiser, deliver) -> str:
    venue = event_payload()["venue"] | {"name": ONE_LINE, "address": ONE_LINE}
    deliver(
        "event.published", event_payload(title=ISSUE_TITLE, description=MULTI_LINE, venue=venue)
    )
    deliver("registration.confirmed", registration_payload("r1"))
    body = visit_body(
        title=ONE_LINE,
        description=MULTI_LINE,
        host={"organisation": ONE_LINE, "contact_name": ONE_LINE, "contact_email": "h@x.example"},
        location={"name": ONE_LINE, "address": ONE_LINE},
        meeting_point=ONE_LINE,
        requirements=[ONE_LINE],
    )
    created = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=body, headers=organiser)
    assert created.status_code == 201, created.json
    join(client, created.json["id"])
    return created.json["id"]


def feed(client, path: str, ical_js) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.data
    assert not [line for line in response.data.split(b"\r\n") if line.startswith(b"ATTENDEE")]
    return agreed(response.data, ical_js)


def test_the_event_participant_and_host_feeds_carry_hostile_text_intact(
    client, organiser, hostile_visit, ical_js
):
    title = stored(ISSUE_TITLE)
    public = feed(client, EVENT_FEED, ical_js)
    personal = feed(client, PERSONAL_FEED, ical_js)
    host = feed(client, host_feed_url(client, organiser), ical_js)

    assert (public["name"], personal["name"]) == (title, f"{title}: my programme")
    assert host["name"] == f"{title}: visits to {ONE_LINE}"
    for read in (public, personal, host):
        visit = next(e for uid, e in read["events"].items() if hostile_visit in uid)
        assert visit["summary"] == f"Study visit: {ONE_LINE}"
        assert stored(MULTI_LINE) in visit["description"]
        assert ONE_LINE in visit["location"]
    workshop = [e for e in public["events"].values() if e["summary"] == title]
    assert [e["description"] for e in workshop] == [stored(MULTI_LINE)]


def test_exchange_feeds_carry_hostile_names_goals_and_agenda_intact(
    exchange_client, organiser, ical_js
):
    party = {"name": ONE_LINE, "organisation": ONE_LINE, "cluster": ONE_LINE, "sector": ONE_LINE}
    body = exchange_body(goals=MULTI_LINE)
    body["visitor"] |= party
    body["host"] |= party
    created = exchange_client.post("/api/v1/exchanges", json=body, headers=organiser)
    assert created.status_code == 201, created.json
    exchange = created.json
    assert act(exchange_client, exchange, "accept", "host").status_code == 200
    hostile_item = {"title": ONE_LINE, "place": ONE_LINE, "notes": MULTI_LINE}
    for item in (meeting_body(**hostile_item), all_day_body(**hostile_item)):
        assert act(exchange_client, exchange, "agenda", "host", **item).status_code == 201

    visitor = feed(exchange_client, feed_path(exchange, "visitor"), ical_js)
    host = feed(exchange_client, feed_path(exchange, "host"), ical_js)

    assert visitor["name"] == f"Exchange at {ONE_LINE}"
    assert host["name"] == f"Exchange visitor: {ONE_LINE} ({ONE_LINE})"
    for read in (visitor, host):
        assert len(read["events"]) == 3
        goals = [e for e in read["events"].values() if e["summary"].startswith("Exchange: ")]
        assert goals[0]["description"].startswith(f"Goals: {stored(MULTI_LINE)}\nHost contact: ")
        items = [e for e in read["events"].values() if e["summary"].endswith(f": {ONE_LINE}")]
        assert [(e["description"], e["location"]) for e in items] == 2 * [
            (stored(MULTI_LINE), ONE_LINE)
        ]
