"""Partner quotas on the event form: each new partner's claim code is shown once, after saving;
a row emptied removes its quota, and bad rows are explained next to their fields."""

from __future__ import annotations

import re

import pytest

from shared.credentials import CredentialStore
from tests.registration.api.test_pages import csrf, event_form, field_errors

pytestmark = pytest.mark.integration


@pytest.fixture
def logged_in(client, env) -> str:
    """A page session of an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def quota(n: int, partner: str, seats: str, release_at: str = "2027-04-20T12:00") -> dict:
    return {
        f"quotas.{n}.partner": partner,
        f"quotas.{n}.seats": seats,
        f"quotas.{n}.release_at": release_at,
    }


def event_id_of(page: str) -> str:
    return re.search(r'href="/organiser/events/([0-9a-f-]{36})"', page).group(1)


def test_a_new_event_with_quotas_shows_each_claim_code_once(client, logged_in, organiser):
    data = event_form(logged_in) | quota(0, "Cluster Nord", "3") | quota(1, "Süd <b>", "2")
    response = client.post("/organiser/events/new", data=data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    codes = re.findall(r"<code>([^<]+)</code>", page)
    assert len(codes) == 2 and "Süd &lt;b&gt;" in page
    assert f"register?partner_code={codes[0]}" in page or f"partner_code={codes[1]}" in page

    event = client.get(f"/api/v1/events/{event_id_of(page)}", headers=organiser).get_json()
    quotas = {q["partner"]: q for q in event["quotas"]}
    assert quotas["Cluster Nord"]["seats"] == 3
    assert quotas["Cluster Nord"]["release_at"] == "2027-04-20T10:00:00+00:00"  # Paris time
    edit = client.get(f"/organiser/events/{event['id']}/edit").get_data(as_text=True)
    assert 'value="Cluster Nord"' in edit and codes[0] not in edit


def test_an_edit_that_keeps_the_quotas_shows_no_codes_and_one_that_adds_a_partner_does(
    client, logged_in, organiser
):
    created = client.post(
        "/organiser/events/new", data=event_form(logged_in) | quota(0, "Nord", "3")
    )
    event_id = event_id_of(created.get_data(as_text=True))
    same = event_form(logged_in) | quota(0, "Nord", "3")
    assert client.post(f"/organiser/events/{event_id}/edit", data=same).status_code == 303

    more = same | quota(1, "Ost", "1")
    added = client.post(f"/organiser/events/{event_id}/edit", data=more)
    assert added.status_code == 200
    assert len(re.findall(r"<code>", added.get_data(as_text=True))) == 1  # only the new one

    emptied = event_form(logged_in) | quota(0, "", "", "") | quota(1, "Ost", "1")
    assert client.post(f"/organiser/events/{event_id}/edit", data=emptied).status_code == 303
    event = client.get(f"/api/v1/events/{event_id}", headers=organiser).get_json()
    assert [q["partner"] for q in event["quotas"]] == ["Ost"]


def test_a_bad_quota_row_is_explained_next_to_its_field(client, logged_in):
    data = event_form(logged_in) | quota(0, "Nord", "many", "") | quota(1, "", "2")
    response = client.post("/organiser/events/new", data=data)
    assert response.status_code == 422
    errors = field_errors(response)
    assert {"quotas-0-seats", "quotas-0-release_at", "quotas-1-partner"} <= set(errors)
    assert 'value="Nord"' in response.get_data(as_text=True)


def test_quotas_larger_than_the_capacity_are_refused_on_the_form(client, logged_in):
    data = event_form(logged_in, capacity="2") | quota(0, "Nord", "5")
    response = client.post("/organiser/events/new", data=data)
    assert response.status_code == 422
    assert 'id="form-error"' in response.get_data(as_text=True) or field_errors(response)


def test_patching_the_quotas_keeps_a_staying_partner_s_claim_code(client, organiser):
    from tests.registration.conftest import event_body

    release = "2027-04-20T10:00:00+00:00"
    nord = {"partner": "Nord", "seats": 2, "release_at": release}
    created = client.post("/api/v1/events", json=event_body(quotas=[nord]), headers=organiser)
    url = f"/api/v1/events/{created.get_json()['id']}"
    ost = {"partner": "Ost", "seats": 1, "release_at": release}
    patched = client.patch(url, json={"quotas": [nord | {"seats": 1}, ost]}, headers=organiser)
    assert patched.status_code == 200, patched.get_json()
    assert set(patched.get_json()["claim_codes"]) == {"Ost"}  # Nord keeps its code
    seats = {q["partner"]: q["seats"] for q in patched.get_json()["quotas"]}
    assert seats == {"Nord": 1, "Ost": 1}

    twice = client.patch(url, json={"quotas": [nord, nord]}, headers=organiser)
    assert twice.status_code == 422 and twice.content_type == "application/problem+json"
