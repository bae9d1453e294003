"""The planner edits and reschedules a visit from a page; the change reaches those booked."""

from __future__ import annotations

import pytest

from shared.credentials import CredentialStore
from tests.scheduling.api.test_pages import csrf, visit_form
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


def shown(client, organiser, visit_id: str) -> dict:
    return client.get(f"/api/v1/visits/{visit_id}", headers=organiser).get_json()


def test_the_edit_page_is_filled_in_with_the_visit_in_the_event_s_timezone(
    client, logged_in, visit_id
):
    planner = client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(as_text=True)
    assert f'href="/organiser/visits/{visit_id}/edit"' in planner
    page = client.get(f"/organiser/visits/{visit_id}/edit").get_data(as_text=True)
    assert 'value="Textile recycling lab"' in page
    assert 'value="2026-05-12T14:00"' in page and 'value="bo@retex.example"' in page


def test_rescheduling_moves_the_visit_and_tells_those_booked(
    client, logged_in, visit_id, organiser, outbox_messages
):
    client.post(f"/my/{TOKEN}/visits/{visit_id}/join", data={"csrf_token": logged_in})
    form = visit_form(logged_in, start="2026-05-12T15:00", end="2026-05-12T17:30")
    response = client.post(f"/organiser/visits/{visit_id}/edit", data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organiser/events/{EVENT_ID}/visits"
    visit = shown(client, organiser, visit_id)
    assert visit["start"].startswith("2026-05-12T15:00:00+02:00")
    assert visit["requirements"] == ["ID card", "Safety briefing"]  # not on the form: kept
    assert visit["location"]["lat"] == 50.87  # the map position is kept too
    kind, payload = outbox_messages()[-1]
    assert kind == "visit.updated" and payload["participants"] == ["r1"]


def test_an_invalid_edit_shows_the_errors_and_changes_nothing(
    client, logged_in, visit_id, organiser
):
    form = visit_form(logged_in, title="", capacity="lots", start="not a time")
    response = client.post(f"/organiser/visits/{visit_id}/edit", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-title-error"' in page and 'id="f-capacity-error"' in page
    assert shown(client, organiser, visit_id)["title"] == "Textile recycling lab"


def test_lowering_the_capacity_below_those_booked_is_refused_on_the_form(
    client, logged_in, visit_id, organiser
):
    client.post(f"/my/{TOKEN}/visits/{visit_id}/join", data={"csrf_token": logged_in})
    client.post(
        f"/my/{registration_payload('r2')['feed_token']}/visits/{visit_id}/join",
        data={"csrf_token": logged_in},
    )
    response = client.post(
        f"/organiser/visits/{visit_id}/edit", data=visit_form(logged_in, capacity="1")
    )
    assert response.status_code == 409
    assert "2 participants are booked" in response.get_data(as_text=True)
    assert shown(client, organiser, visit_id)["capacity"] == 12


def test_a_nul_in_a_field_is_refused(client, logged_in, visit_id):
    form = visit_form(logged_in, title="Lab\x00")
    assert client.post(f"/organiser/visits/{visit_id}/edit", data=form).status_code == 422


def test_editing_needs_the_organiser_login(client, visit_id):
    response = client.get(f"/organiser/visits/{visit_id}/edit")
    assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]


def test_an_unknown_visit_has_no_edit_page(client, logged_in, published_event):
    assert client.get("/organiser/visits/nope/edit").status_code == 404
