"""Cancelling a visit from the planner asks first: the page names what happens and who is
emailed, takes the reason the email quotes, and only its form cancels."""

from __future__ import annotations

import pytest

from shared.credentials import CredentialStore
from tests.scheduling.api.test_pages import csrf
from tests.scheduling.builders import EVENT_ID, registration_payload

pytestmark = pytest.mark.integration
TOKEN = registration_payload("r1")["feed_token"]


@pytest.fixture
def logged_in(client, env) -> str:
    """A page session of an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client)
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def visit_status(client, organiser, visit_id: str) -> str:
    return client.get(f"/api/v1/visits/{visit_id}", headers=organiser).get_json()["status"]


def test_the_planner_s_cancel_button_opens_the_confirmation_page(
    client,
    logged_in,
    visit_id,
    organiser,
):
    page = client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(as_text=True)
    assert f'<form method="get" action="/organiser/visits/{visit_id}/cancel"' in page
    client.post(f"/my/{TOKEN}/visits/{visit_id}/join", data={"csrf_token": logged_in})

    confirmation = client.get(f"/organiser/visits/{visit_id}/cancel").get_data(as_text=True)
    assert "Everyone booked on it (1)." in confirmation
    assert 'name="reason"' in confirmation and "cannot be undone" in confirmation
    assert f'href="/organiser/events/{EVENT_ID}/visits"' in confirmation
    assert visit_status(client, organiser, visit_id) == "scheduled"


def test_only_the_confirmed_form_cancels_the_visit_and_its_reason_reaches_the_message(
    client,
    logged_in,
    visit_id,
    organiser,
    outbox_messages,
):
    url = f"/organiser/visits/{visit_id}/cancel"
    assert client.post(url, data={"csrf_token": logged_in}).status_code == 200
    assert visit_status(client, organiser, visit_id) == "scheduled"

    data = {"csrf_token": logged_in, "confirmed": "yes", "reason": "Host ill"}
    assert client.post(url, data=data).status_code == 303
    assert visit_status(client, organiser, visit_id) == "cancelled"
    kind, payload = outbox_messages()[-1]
    assert kind == "visit.cancelled" and payload["reason"] == "Host ill"


def test_a_visit_nobody_booked_says_nobody_is_emailed(client, logged_in, visit_id):
    page = client.get(f"/organiser/visits/{visit_id}/cancel").get_data(as_text=True)
    assert "Nobody: no email is sent." in page


def test_an_unknown_visit_has_no_confirmation_page(client, logged_in, published_event):
    assert client.get("/organiser/visits/nope/cancel").status_code == 404
