"""Correcting a participant's address over HTTP: the answer, the history, every refusal a
clear problem that changes nothing, and no address left in the outbox after erasure."""

from __future__ import annotations

import pytest

from tests.registration.api.test_erasure_outbox import bodies, mark_all_sent
from tests.registration.conftest import person

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture
def registered(client, organiser, published_event):
    """Register person n (as an organiser: no verification); returns the registration id."""
    event = published_event()

    def make(n: int, **overrides) -> str:
        path = f"/api/v1/events/{event['id']}/registrations"
        created = client.post(path, json=person(n, **overrides), headers=organiser)
        assert created.status_code == 201, created.get_json()
        return created.json["id"]

    return make


def correct(client, organiser, registration_id: str, **body):
    return client.post(
        f"/api/v1/registrations/{registration_id}/email", json=body, headers=organiser
    )


def shown(client, organiser, registration_id: str) -> dict:
    return client.get(f"/api/v1/registrations/{registration_id}", headers=organiser).json


def test_a_correction_answers_the_registration_with_its_history(client, organiser, registered):
    registration_id = registered(1, email="ana@exmaple.org")

    answer = correct(client, organiser, registration_id, email="ana@example.org", reason="typo")

    assert answer.status_code == 200, answer.get_json()
    assert answer.json["email"] == "ana@example.org"
    [entry] = answer.json["history"]
    assert entry["action"] == "email_corrected" and entry["by_name"] == "Tess Organiser"
    assert (entry["old_value"], entry["new_value"], entry["reason"]) == (
        "ana@exmaple.org",
        "ana@example.org",
        "typo",
    )
    assert shown(client, organiser, registration_id)["history"] == answer.json["history"]


def test_the_correction_goes_out_through_the_outbox(app, client, organiser, registered):
    registration_id = registered(1, email="ana@exmaple.org")

    correct(client, organiser, registration_id, email="ana@example.org", resend_failed=True)

    [(kind, body)] = [row for row in bodies(app) if row[0] == "registration.email_corrected"]
    assert '"email":"ana@example.org"' in body and '"resend_failed":true' in body


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "not-an-address"},
        {"email": "ana@example.org\r\nBcc: all@example.org"},
        {"email": "a" * 320 + "@example.org"},
        {"email": None},
        {"email": "ana@example.org", "reason": "x" * 1001},
        {"email": "ana@example.org", "reason": "line\x00"},
        {"email": "ana@example.org", "resend_failed": "perhaps"},
        {"email": "ana@example.org", "sneaky": 1},
    ],
)
def test_a_bad_body_is_a_422_that_changes_nothing(app, client, organiser, registered, body):
    registration_id = registered(1)

    answer = correct(client, organiser, registration_id, **body)

    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    assert shown(client, organiser, registration_id)["email"] == "p1@example.org"
    assert not [row for row in bodies(app) if row[0] == "registration.email_corrected"]


def test_the_same_address_again_is_a_422(client, organiser, registered):
    registration_id = registered(1)

    answer = correct(client, organiser, registration_id, email="p1@example.org")

    assert answer.status_code == 422 and "already" in answer.json["detail"]
    assert shown(client, organiser, registration_id)["history"] == []


def test_an_unknown_registration_is_a_404(client, organiser):
    answer = correct(client, organiser, "00000000-0000-0000-0000-000000000000", email="a@b.eu")

    assert answer.status_code == 404 and answer.mimetype == PROBLEM


def test_another_active_registrations_address_is_a_409_in_any_case(client, organiser, registered):
    registered(1, email="ana@example.org")
    other = registered(2)

    answer = correct(client, organiser, other, email="ANA@example.org")

    assert answer.status_code == 409 and answer.mimetype == PROBLEM
    assert shown(client, organiser, other)["email"] == "p2@example.org"


def test_an_erased_registration_is_a_410(client, organiser, registered):
    registration_id = registered(1)
    client.post(f"/api/v1/registrations/{registration_id}/erase", headers=organiser)

    answer = correct(client, organiser, registration_id, email="ana@example.org")

    assert answer.status_code == 410 and answer.mimetype == PROBLEM


def test_an_unverified_registration_is_a_409(client, organiser, published_event):
    event = published_event(verify_email=True)
    path = f"/api/v1/events/{event['id']}/registrations"
    assert client.post(path, json=person(1)).status_code == 202
    [row] = client.get(path, headers=organiser).json["items"]

    answer = correct(client, organiser, row["id"], email="ana@example.org")

    assert answer.status_code == 409 and "verified" in answer.json["detail"]


def test_without_a_credential_nothing_is_corrected(client, organiser, registered):
    registration_id = registered(1)

    answer = correct(client, {}, registration_id, email="ana@example.org")

    assert answer.status_code == 401
    assert shown(client, organiser, registration_id)["email"] == "p1@example.org"


def test_after_erasure_no_outbox_row_or_history_keeps_either_address(
    app, client, organiser, registered
):
    registration_id = registered(1, email="Ana@Exmaple.org")
    correct(client, organiser, registration_id, email="ana@example.org", reason="Ana@Exmaple.org")
    mark_all_sent(app)

    client.post(f"/api/v1/registrations/{registration_id}/erase", headers=organiser)

    everything = "\n".join(body for _, body in bodies(app)).lower()
    assert "exmaple" not in everything and "ana@example.org" not in everything
    [entry] = shown(client, organiser, registration_id)["history"]
    assert (entry["old_value"], entry["new_value"], entry["reason"]) == (None, None, None)
