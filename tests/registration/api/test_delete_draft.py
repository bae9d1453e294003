"""A draft event, never published, can be deleted (API and page); any other is refused, 409."""

from __future__ import annotations

import pytest

from shared.credentials import CredentialStore
from tests.registration.api.test_pages import csrf
from tests.registration.conftest import event_body

pytestmark = pytest.mark.integration


@pytest.fixture
def logged_in(client, env) -> str:
    """A page session of an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


@pytest.fixture
def draft(client, organiser) -> dict:
    release = "2027-04-01T00:00:00+00:00"
    quotas = [{"partner": "Cluster Nord", "seats": 2, "release_at": release}]
    created = client.post("/api/v1/events", json=event_body(quotas=quotas), headers=organiser)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_deleting_a_draft_removes_it_and_its_quotas(client, organiser, draft):
    response = client.delete(f"/api/v1/events/{draft['id']}", headers=organiser)
    assert response.status_code == 204 and response.data == b""
    assert client.get(f"/api/v1/events/{draft['id']}", headers=organiser).status_code == 404
    again = client.delete(f"/api/v1/events/{draft['id']}", headers=organiser)
    assert again.status_code == 404
    assert again.content_type == "application/problem+json"


def test_a_published_event_is_not_deleted_but_refused_with_a_problem(
    client, organiser, published_event
):
    event = published_event()
    response = client.delete(f"/api/v1/events/{event['id']}", headers=organiser)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "only a draft can be deleted" in response.get_json()["detail"]
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 200


def test_deleting_needs_an_organiser_credential(client, draft):
    assert client.delete(f"/api/v1/events/{draft['id']}").status_code == 401


def test_the_draft_page_deletes_after_the_confirmation_page(client, logged_in, draft, organiser):
    page = client.get(f"/organiser/events/{draft['id']}").get_data(as_text=True)
    assert f'action="/organiser/events/{draft["id"]}/delete"' in page
    confirmation = client.get(f"/organiser/events/{draft['id']}/delete").get_data(as_text=True)
    assert "never published" in confirmation and "Nobody: no email is sent." in confirmation

    unconfirmed = client.post(
        f"/organiser/events/{draft['id']}/delete", data={"csrf_token": logged_in}
    )
    assert unconfirmed.status_code == 200
    assert client.get(f"/api/v1/events/{draft['id']}", headers=organiser).status_code == 200

    data = {"csrf_token": logged_in, "confirmed": "yes"}
    done = client.post(f"/organiser/events/{draft['id']}/delete", data=data)
    assert done.status_code == 303 and done.headers["Location"] == "/organiser/"
    assert client.get(f"/api/v1/events/{draft['id']}", headers=organiser).status_code == 404


def test_a_published_event_has_no_delete_button_and_its_delete_is_refused(
    client, logged_in, published_event
):
    event = published_event()
    page = client.get(f"/organiser/events/{event['id']}").get_data(as_text=True)
    assert "/delete" not in page
    data = {"csrf_token": logged_in, "confirmed": "yes"}
    refused = client.post(f"/organiser/events/{event['id']}/delete", data=data)
    assert refused.status_code == 303
    followed = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "only a draft can be deleted" in followed
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 200
