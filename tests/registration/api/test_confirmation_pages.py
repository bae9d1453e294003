"""Destructive actions of the registration pages ask first, on a page that says what happens
and who is emailed; only its form acts, and a one-click POST changes nothing."""

from __future__ import annotations

import re

import pytest

from shared.credentials import CredentialStore
from tests.registration.api.test_pages import csrf, form

pytestmark = pytest.mark.integration


@pytest.fixture
def logged_in(client, env) -> str:
    """A page session of an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def status(client, event_id: str) -> str:
    return client.get(f"/api/v1/events/{event_id}").get_json()["status"]


def registered(client, event_id: str, n: int, token: str) -> str:
    """Register participant n from the page; returns the manage link's path."""
    created = client.post(f"/events/{event_id}/register", data=form(n, token))
    return created.headers["Location"].removesuffix("/confirmation")


def roster_action(client, event_id: str, action: str) -> str:
    page = client.get(f"/organiser/events/{event_id}").get_data(as_text=True)
    (url,) = re.findall(rf'action="(/organiser/registrations/[^"]+/{action})"', page)
    return url


def test_the_cancel_event_button_opens_a_page_naming_what_happens_and_who_is_emailed(
    client,
    logged_in,
    published_event,
):
    event = published_event()
    registered(client, event["id"], 1, logged_in)
    page = client.get(f"/organiser/events/{event['id']}").get_data(as_text=True)
    assert f'<form method="get" action="/organiser/events/{event["id"]}/cancel"' in page

    confirmation = client.get(f"/organiser/events/{event['id']}/cancel")
    text = confirmation.get_data(as_text=True)
    assert confirmation.status_code == 200
    assert "cannot be undone" in text
    assert "Everyone still registered (1, whether confirmed" in text
    assert 'name="reason"' in text and 'name="confirmed" value="yes"' in text
    assert status(client, event["id"]) == "published"


def test_a_one_click_post_without_confirmation_cancels_nothing(client, logged_in, published_event):
    event = published_event()
    response = client.post(
        f"/organiser/events/{event['id']}/cancel", data={"csrf_token": logged_in}
    )
    assert response.status_code == 200 and 'id="confirm-form"' in response.get_data(as_text=True)
    assert status(client, event["id"]) == "published"


def test_the_confirmed_form_cancels_the_event_with_its_reason(
    client,
    logged_in,
    published_event,
    organiser,
):
    event = published_event()
    data = {"csrf_token": logged_in, "confirmed": "yes", "reason": "Venue flooded <b>sorry</b>"}
    response = client.post(f"/organiser/events/{event['id']}/cancel", data=data)
    assert response.status_code == 303
    shown = client.get(f"/api/v1/events/{event['id']}", headers=organiser).get_json()
    assert shown["status"] == "cancelled"


def test_the_confirmation_needs_the_csrf_token(client, logged_in, published_event):
    event = published_event()
    response = client.post(f"/organiser/events/{event['id']}/cancel", data={"confirmed": "yes"})
    assert response.status_code == 400
    assert status(client, event["id"]) == "published"


def test_rejecting_names_the_participant_emailed_and_asks_a_reason(
    client,
    logged_in,
    published_event,
    organiser,
):
    event = published_event(approval_required=True)
    registered(client, event["id"], 1, logged_in)
    url = roster_action(client, event["id"], "reject")
    page = client.get(url).get_data(as_text=True)
    assert "p1@example.org" in page and 'name="reason"' in page
    assert "Participant B" in page  # the reject page names who is emailed

    client.post(url, data={"csrf_token": logged_in})  # not confirmed: nothing happens
    registration_id = url.split("/")[3]
    roster = client.get(f"/api/v1/events/{event['id']}/registrations", headers=organiser)
    assert roster.get_json()["items"][0]["status"] == "pending"

    done = client.post(url, data={"csrf_token": logged_in, "confirmed": "yes", "reason": "Full"})
    assert done.status_code == 303
    roster = client.get(f"/api/v1/events/{event['id']}/registrations", headers=organiser)
    assert [r["status"] for r in roster.get_json()["items"] if r["id"] == registration_id] == [
        "rejected"
    ]


def test_an_organiser_cancels_a_registration_only_after_confirming(
    client,
    logged_in,
    published_event,
    organiser,
):
    event = published_event()
    registered(client, event["id"], 1, logged_in)
    url = roster_action(client, event["id"], "cancel_registration")
    page = client.get(url).get_data(as_text=True)
    assert "next person waiting" in page and "p1@example.org" in page
    assert 'name="reason"' not in page  # the cancellation email carries no reason

    assert client.post(url, data={"csrf_token": logged_in, "confirmed": "yes"}).status_code == 303
    roster = client.get(f"/api/v1/events/{event['id']}/registrations", headers=organiser)
    assert roster.get_json()["items"][0]["status"] == "cancelled"


def test_approving_needs_no_confirmation_page(client, logged_in, published_event):
    event = published_event(approval_required=True)
    registered(client, event["id"], 1, logged_in)
    url = roster_action(client, event["id"], "approve")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"csrf_token": logged_in}).status_code == 303


def test_confirmation_pages_are_for_organisers_only(client, published_event):
    event = published_event()
    response = client.get(f"/organiser/events/{event['id']}/cancel")
    assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]


def test_a_participant_confirms_before_cancelling_their_registration(client, published_event):
    event = published_event()
    token = csrf(client)
    manage = registered(client, event["id"], 1, token)
    page = client.get(manage).get_data(as_text=True)
    assert f'<form method="get" action="{manage}/cancel"' in page

    confirmation = client.get(f"{manage}/cancel").get_data(as_text=True)
    assert "You, at p1@example.org" in confirmation
    assert f'href="{manage}"' in confirmation  # the way back changes nothing
    client.post(f"{manage}/cancel", data={"csrf_token": token})
    assert 'id="status">confirmed' in client.get(manage).get_data(as_text=True)

    client.post(f"{manage}/cancel", data={"csrf_token": token, "confirmed": "yes"})
    assert 'id="status">cancelled' in client.get(manage).get_data(as_text=True)


def test_a_participant_confirms_before_erasing_and_is_told_no_email_follows(
    client, published_event
):
    event = published_event()
    token = csrf(client)
    manage = registered(client, event["id"], 1, token)
    confirmation = client.get(f"{manage}/erase").get_data(as_text=True)
    assert "cannot be undone" in confirmation and "no email is sent" in confirmation
    assert client.post(f"{manage}/erase", data={"csrf_token": token}).status_code == 200
    assert client.get(manage).status_code == 200

    erased = client.post(f"{manage}/erase", data={"csrf_token": token, "confirmed": "yes"})
    assert erased.headers["Location"] == "/erased"


def test_a_hostile_event_title_is_escaped_on_the_confirmation_page(
    client,
    logged_in,
    published_event,
):
    event = published_event(title="<script>alert(1)</script> Summit")
    page = client.get(f"/organiser/events/{event['id']}/cancel").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_an_unknown_registration_has_no_confirmation_page(client, logged_in):
    response = client.get("/organiser/registrations/nope/reject")
    assert response.status_code == 404
