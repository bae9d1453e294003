"""Fixtures of check-in and attendance: a two-day workshop with confirmed participants."""

from __future__ import annotations

import pytest

from tests.registration.api.test_pages import logged_in  # noqa: F401 - fixture
from tests.registration.conftest import person

DAY_ONE, DAY_TWO = "2027-04-12", "2027-04-13"
# hostile text rides in the organisation and the title: names hold letters only (issue #11)
HOSTILE_ORGANISATION = "<font size=90>Evil</font> & <b>Co</b> =1+2"


def register(client, event_id: str, n: int, **overrides) -> dict:
    response = client.post(f"/api/v1/events/{event_id}/registrations", json=person(n, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.json


def code_of(client, registration: dict) -> str | None:
    token = registration["manage_url"].rsplit("/", 1)[1]
    return client.get(f"/api/v1/manage/{token}/check-in").json["checkin_code"]


@pytest.fixture
def workshop(client, published_event) -> dict:
    """Two days, two seats: A and B confirmed (B with a hostile organisation), C waitlisted."""
    event = published_event(capacity=2)
    people = [
        register(client, event["id"], 1),
        register(client, event["id"], 2, organisation=HOSTILE_ORGANISATION, country="PL"),
        register(client, event["id"], 3, country="FR"),
    ]
    return {"event": event, "people": people, "codes": [code_of(client, p) for p in people]}


def check_in(client, organiser, event_id: str, code: str, day: str | None = DAY_ONE):
    body = {"code": code} | ({"day": day} if day else {})
    return client.post(f"/api/v1/events/{event_id}/check-ins", json=body, headers=organiser)
