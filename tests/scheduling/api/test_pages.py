"""Scheduling's pages through the Flask test client: my visits and the organiser's planner."""

from __future__ import annotations

import re

import pytest

from shared.config import public_url_for
from shared.credentials import CredentialStore
from tests.scheduling.builders import EVENT_ID, registration_payload, visit_body

pytestmark = pytest.mark.integration
TOKEN = registration_payload("r1")["feed_token"]


def csrf(client) -> str:
    page = client.get("/organiser/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def logged_in(client, env) -> str:
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client)
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def visit_form(token: str, **overrides) -> dict:
    return {
        "csrf_token": token,
        "title": "Textile recycling lab",
        "host.organisation": "ReTex Lab",
        "host.contact_name": "Bo Peeters",
        "host.contact_email": "bo@retex.example",
        "location.name": "ReTex Lab",
        "location.address": "Havenlaan 86, Brussels",
        "start": "2026-05-12T14:00",
        "end": "2026-05-12T16:00",
        "capacity": "12",
    } | overrides


def test_a_participant_joins_and_leaves_a_visit_on_my_visits(client, visit_id, outbox_messages):
    token = csrf(client)
    page = client.get(f"/my/{TOKEN}").get_data(as_text=True)
    assert "Textile recycling lab" in page and "Join this visit" in page
    response = client.post(f"/my/{TOKEN}/visits/{visit_id}/join", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get(f"/my/{TOKEN}").get_data(as_text=True)
    assert "Leave this visit" in page and f"/feeds/participants/{TOKEN}.ics" in page
    assert outbox_messages()[-1][0] == "visit.participant_added"
    client.post(f"/my/{TOKEN}/visits/{visit_id}/leave", data={"csrf_token": token})
    assert "Join this visit" in client.get(f"/my/{TOKEN}").get_data(as_text=True)


def test_an_unknown_feed_token_is_an_html_404(client, published_event):
    response = client.get("/my/feed-nobody-xxxxxxxxxxxxxxxxxxxx")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_planner_needs_a_login(client, published_event):
    response = client.get(f"/organiser/events/{EVENT_ID}/visits")
    assert response.headers["Location"].startswith("/organiser/login")


def test_an_organiser_schedules_a_visit_from_the_planner(client, logged_in, published_event):
    response = client.post(f"/organiser/events/{EVENT_ID}/visits", data=visit_form(logged_in))
    assert response.status_code == 303
    (visit,) = client.get(f"/api/v1/events/{EVENT_ID}/visits").get_json()["items"]
    assert visit["start"] == "2026-05-12T14:00:00+02:00" and visit["capacity"] == 12
    assert "0 / 12 booked" in client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(
        as_text=True
    )


def test_the_planner_links_each_visits_desk_and_participant_list_on_registration(
    client, organiser, logged_in, published_event, env
):
    visit = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=visit_body(), headers=organiser)
    page = client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(as_text=True)
    registration = public_url_for("registration", env)
    for link in ("check-in", "participants"):
        assert f'href="{registration}/organiser/visits/{visit.json["id"]}/{link}"' in page


def test_an_invalid_visit_form_shows_the_schemas_errors(client, logged_in, published_event):
    data = visit_form(logged_in, **{"host.contact_email": "nope", "capacity": "0"})
    response = client.post(f"/organiser/events/{EVENT_ID}/visits", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-host-contact_email-error">Not a valid email address.' in page
    assert 'id="f-capacity-error">' in page


def test_overlapping_visits_at_different_times_are_flagged(
    client, organiser, logged_in, published_event
):
    client.post(f"/api/v1/events/{EVENT_ID}/visits", json=visit_body(), headers=organiser)
    other = visit_body(
        title="Fibre lab",
        host={"organisation": "Fibre", "contact_name": "F", "contact_email": "f@f.example"},
        start="2026-05-12T15:00:00+02:00",
        end="2026-05-12T17:00:00+02:00",
    )
    client.post(f"/api/v1/events/{EVENT_ID}/visits", json=other, headers=organiser)
    page = client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(as_text=True)
    assert "Overlaps Fibre lab" in page and "Overlaps Textile recycling lab" in page


def test_a_block_is_opened_ranked_on_my_visits_and_allocated(
    client, organiser, logged_in, published_event
):
    ids = []
    for n, title in enumerate(("Lab A", "Lab B")):
        host = {"organisation": title, "contact_name": "H", "contact_email": f"h{n}@x.example"}
        body = visit_body(title=title, host=host, capacity=1)
        response = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=body, headers=organiser)
        ids.append(response.get_json()["id"])
    data = {"csrf_token": logged_in, "visit_ids": ids, "block_title": "Afternoon"}
    client.post(f"/organiser/events/{EVENT_ID}/blocks", data=data)
    (block,) = client.get(f"/api/v1/events/{EVENT_ID}/blocks", headers=organiser).get_json()[
        "items"
    ]
    ranking = {"csrf_token": logged_in, f"rank-{ids[1]}": "1", f"rank-{ids[0]}": "2"}
    client.post(f"/my/{TOKEN}/blocks/{block['id']}/rank", data=ranking)
    client.post(f"/organiser/blocks/{block['id']}/close", data={"csrf_token": logged_in})
    page = client.get(f"/my/{TOKEN}").get_data(as_text=True)
    assert "You got <strong>Lab B</strong> (your choice #1)" in page
