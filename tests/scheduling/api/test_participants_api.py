"""Participants join and leave visits, by their own token or through an organiser."""

import pytest

from tests.scheduling.builders import EVENT_ID, registration_payload, token_of, visit_body


def join(client, visit_id, headers, **body):
    return client.post(f"/api/v1/visits/{visit_id}/participants", json=body, headers=headers)


def test_a_participant_joins_with_their_feed_token_and_gets_their_feed_links(
    client, visit_id, outbox_messages
):
    response = join(client, visit_id, token_of("r1"))

    assert response.status_code == 201
    assert (response.json["registration_id"], response.json["seats_left"]) == ("r1", 11)
    token = registration_payload("r1")["feed_token"]
    assert response.json["feed"]["webcal"].endswith(f"/feeds/participants/{token}.ics")
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["registration_id"]) == ("visit.participant_added", "r1")


def test_an_organiser_books_a_named_registration(client, organiser, visit_id):
    response = join(client, visit_id, organiser, registration_id="r2")

    assert response.status_code == 201
    visit = client.get(f"/api/v1/visits/{visit_id}", headers=organiser).json
    assert [p["registration_id"] for p in visit["participants"]] == ["r2"]


def test_an_organiser_must_name_the_registration(client, organiser, visit_id):
    response = join(client, visit_id, organiser)

    assert response.status_code == 422
    assert "registration_id is required" in response.json["detail"]


@pytest.mark.parametrize(
    "headers", [{}, {"X-Participant-Token": "guessed"}, {"Authorization": "Bearer cxo_nope"}]
)
def test_joining_without_a_valid_credential_is_a_401_problem(client, visit_id, headers):
    response = join(client, visit_id, headers)

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "X-Participant-Token" in response.json["detail"]


def test_a_participant_cannot_act_for_someone_else(client, visit_id):
    assert join(client, visit_id, token_of("r1"), registration_id="r2").status_code == 403
    leave = client.delete(f"/api/v1/visits/{visit_id}/participants/r2", headers=token_of("r1"))
    assert leave.status_code == 403
    assert leave.json["detail"] == "a participant may only act for their own registration"


def test_a_participant_who_is_not_confirmed_is_refused_with_a_409(client, deliver, visit_id):
    deliver("registration.waitlisted", registration_payload("r3", "waitlisted"))

    response = join(client, visit_id, token_of("r3"))

    assert response.status_code == 409
    assert (
        response.json["detail"] == "registration r3 is not a confirmed registration of this event"
    )


def test_a_full_visit_is_a_409_problem(client, organiser, visit_id):
    client.patch(f"/api/v1/visits/{visit_id}", json={"capacity": 1}, headers=organiser)
    join(client, visit_id, token_of("r1"))

    response = join(client, visit_id, token_of("r2"))

    assert response.status_code == 409
    assert response.json["detail"] == "the visit 'Textile recycling lab' is full (1 seats)"


def test_a_visit_within_the_travel_buffer_of_another_booking_is_a_409_problem(
    client, organiser, visit_id
):
    port = visit_body(
        title="Port tour",
        host={"organisation": "Port", "contact_name": "Jan", "contact_email": "jan@port.example"},
        location={"name": "Port", "address": "Kaai 2, Antwerp"},
        start="2026-05-12T16:15:00+02:00",
        end="2026-05-12T18:00:00+02:00",
    )
    port_id = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=port, headers=organiser).json[
        "id"
    ]
    join(client, visit_id, token_of("r1"))

    response = join(client, port_id, token_of("r1"))

    assert response.status_code == 409
    assert "overlaps 'Textile recycling lab'" in response.json["detail"]
    assert "travel buffer of 0:30:00" in response.json["detail"]


def test_leaving_frees_the_seat_and_is_announced(client, visit_id, outbox_messages):
    join(client, visit_id, token_of("r1"))

    response = client.delete(f"/api/v1/visits/{visit_id}/participants/r1", headers=token_of("r1"))

    assert response.status_code == 204
    assert client.get(f"/api/v1/visits/{visit_id}").json["seats_left"] == 12
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["reason"]) == ("visit.participant_removed", "left")


def test_an_organiser_takes_someone_off_a_visit(client, organiser, visit_id, outbox_messages):
    join(client, visit_id, token_of("r1"))

    client.delete(f"/api/v1/visits/{visit_id}/participants/r1", headers=organiser)

    assert outbox_messages()[-1][1]["reason"] == "removed_by_organiser"
    again = client.delete(f"/api/v1/visits/{visit_id}/participants/r1", headers=organiser)
    assert (again.status_code, again.json["detail"]) == (
        404,
        "the participant is not booked on this visit",
    )


def test_no_one_joins_a_cancelled_visit(client, organiser, visit_id):
    client.post(f"/api/v1/visits/{visit_id}/cancel", headers=organiser)

    response = join(client, visit_id, token_of("r1"))

    assert response.status_code == 409
    assert response.json["detail"] == "the visit 'Textile recycling lab' is cancelled"
