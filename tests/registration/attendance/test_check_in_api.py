"""Check-in over the API: codes, every refusal as problem+json, undo, per-day attendance."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from services.registration.adapters.orm import outbox
from tests.registration.attendance.conftest import (
    DAY_ONE,
    DAY_TWO,
    check_in,
    code_of,
)

pytestmark = pytest.mark.integration


def messages(app, message_type: str) -> list[dict]:
    with app.extensions["container"].infrastructure.engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.body).where(outbox.c.message_type == message_type)
        )
        return [json.loads(body)["payload"] for (body,) in rows]


def test_a_confirmed_seat_has_a_check_in_code_and_a_waitlisted_one_has_none(workshop):
    first, second, waiting = workshop["codes"]
    assert first and second and first != second
    assert len(first) == 11 and first[5] == "-"
    assert waiting is None


def test_checking_in_names_the_participant_and_announces_it(app, client, organiser, workshop):
    event_id = workshop["event"]["id"]
    response = check_in(client, organiser, event_id, workshop["codes"][0])

    assert response.status_code == 201
    assert response.json["outcome"] == "checked_in"
    assert response.json["name"] == "Participant B"
    assert response.json["day"] == DAY_ONE
    [recorded] = messages(app, "attendance.recorded")
    assert recorded == {
        "registration_id": workshop["people"][0]["id"],
        "event_id": event_id,
        "day": DAY_ONE,
        "visit_id": None,
        "at": recorded["at"],
    }


def test_a_code_typed_in_lower_case_without_its_dash_is_still_recognised(
    client, organiser, workshop
):
    typed = " " + workshop["codes"][0].replace("-", "").lower() + " "
    response = check_in(client, organiser, workshop["event"]["id"], typed)
    assert response.status_code == 201


def test_checking_in_twice_on_one_day_is_refused_as_already_checked_in(client, organiser, workshop):
    event_id, code = workshop["event"]["id"], workshop["codes"][0]
    check_in(client, organiser, event_id, code)
    again = check_in(client, organiser, event_id, code)

    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.json["outcome"] == "already_checked_in"


def test_each_day_of_a_multi_day_event_is_its_own_check_in(client, organiser, workshop):
    event_id, code = workshop["event"]["id"], workshop["codes"][0]
    assert check_in(client, organiser, event_id, code, DAY_ONE).status_code == 201
    assert check_in(client, organiser, event_id, code, DAY_TWO).status_code == 201

    sheet = client.get(f"/api/v1/events/{event_id}/attendance?day={DAY_TWO}", headers=organiser)
    assert sheet.json["event"]["days"] == [DAY_ONE, DAY_TWO]
    assert sheet.json["checked_in"] == 1


def test_without_a_day_the_check_in_is_for_today_at_the_venue(client, organiser, workshop, clock):
    clock.advance(days=42, hours=20)  # 2027-04-13 05:00 UTC, 07:00 in Brussels
    response = check_in(client, organiser, workshop["event"]["id"], workshop["codes"][0], None)
    assert response.json["day"] == DAY_TWO


def test_a_check_in_outside_the_event_days_is_refused(client, organiser, workshop):
    event_id = workshop["event"]["id"]
    before = check_in(client, organiser, event_id, workshop["codes"][0], None)  # clock: March
    wrong_day = check_in(client, organiser, event_id, workshop["codes"][0], "2027-04-14")

    for response in (before, wrong_day):
        assert response.status_code == 422
        assert response.json["outcome"] == "not_an_event_day"


@pytest.mark.parametrize(
    ("typed", "status", "outcome"),
    [
        ("ABCDE-FGH23", 404, "unknown_code"),
        ("not a code", 422, "invalid_code"),
        ("XYZ", 422, "invalid_code"),
        ("<script>alert(1)</script>", 422, "invalid_code"),
        ("ÄÖÜ-ß", 422, "invalid_code"),
    ],
)
def test_a_bad_code_is_a_problem_naming_its_outcome(
    client, organiser, workshop, typed, status, outcome
):
    response = check_in(client, organiser, workshop["event"]["id"], typed)

    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["outcome"] == outcome
    assert typed not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": ""},
        {"code": "A" * 65},
        {"code": "AB\nCD"},
        {"code": 7},
        {"code": "X", "day": "x"},
    ],
)
def test_a_malformed_check_in_body_is_refused_with_422(client, organiser, workshop, body):
    response = client.post(
        f"/api/v1/events/{workshop['event']['id']}/check-ins", json=body, headers=organiser
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_a_code_of_another_event_is_refused_as_wrong_event(
    client, organiser, workshop, published_event
):
    other = published_event(title="Another workshop")
    response = check_in(client, organiser, other["id"], workshop["codes"][0])

    assert response.status_code == 409
    assert response.json["outcome"] == "wrong_event"


def test_a_cancelled_registration_is_refused_as_not_confirmed(client, organiser, workshop):
    first = workshop["people"][0]
    code = workshop["codes"][0]
    token = first["manage_url"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/manage/{token}/cancel").status_code == 200

    response = check_in(client, organiser, workshop["event"]["id"], code)
    assert response.status_code == 409
    assert response.json["outcome"] == "not_confirmed"


def test_an_unknown_event_is_a_404_problem(client, organiser, workshop):
    response = check_in(client, organiser, "no-such-event", workshop["codes"][0])
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_an_organiser_can_undo_a_check_in_and_check_in_again(app, client, organiser, workshop):
    event_id, person = workshop["event"]["id"], workshop["people"][0]
    check_in(client, organiser, event_id, workshop["codes"][0])
    path = f"/api/v1/events/{event_id}/check-ins/{DAY_ONE}/{person['id']}"

    assert client.delete(path, headers=organiser).status_code == 204
    assert [m["registration_id"] for m in messages(app, "attendance.undone")] == [person["id"]]
    sheet = client.get(f"/api/v1/events/{event_id}/attendance?day={DAY_ONE}", headers=organiser)
    assert sheet.json["checked_in"] == 0
    assert check_in(client, organiser, event_id, workshop["codes"][0]).status_code == 201


@pytest.mark.parametrize(
    ("day", "registration", "status"),
    [(DAY_ONE, "nobody", 404), (DAY_TWO, None, 404), ("2027-13-01", None, 422), ("x", None, 422)],
)
def test_undoing_what_was_never_checked_in_is_a_problem(
    client, organiser, workshop, day, registration, status
):
    registration = registration or workshop["people"][0]["id"]
    event_id = workshop["event"]["id"]
    check_in(client, organiser, event_id, workshop["codes"][0], DAY_ONE)
    response = client.delete(
        f"/api/v1/events/{event_id}/check-ins/{day}/{registration}", headers=organiser
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_undo_needs_the_event_the_check_in_belongs_to(client, organiser, workshop, published_event):
    other, person = published_event(), workshop["people"][0]
    check_in(client, organiser, workshop["event"]["id"], workshop["codes"][0])
    path = f"/api/v1/events/{other['id']}/check-ins/{DAY_ONE}/{person['id']}"
    assert client.delete(path, headers=organiser).status_code == 404


def test_check_in_and_undo_and_the_sheet_need_an_organiser(client, workshop):
    event_id, person = workshop["event"]["id"], workshop["people"][0]
    attempts = [
        client.post(f"/api/v1/events/{event_id}/check-ins", json={"code": workshop["codes"][0]}),
        client.delete(f"/api/v1/events/{event_id}/check-ins/{DAY_ONE}/{person['id']}"),
        client.get(f"/api/v1/events/{event_id}/attendance"),
    ]
    assert [response.status_code for response in attempts] == [401, 401, 401]


def test_erasure_gives_a_new_code_and_the_old_one_stops_working(client, organiser, workshop):
    first, code = workshop["people"][0], workshop["codes"][0]
    token = first["manage_url"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/manage/{token}/erase").status_code == 204

    response = check_in(client, organiser, workshop["event"]["id"], code)
    assert response.json["outcome"] == "unknown_code"


def test_the_confirmation_message_carries_the_code_and_its_qr_image(app, client, workshop):
    confirmed = messages(app, "registration.confirmed")
    waitlisted = messages(app, "registration.waitlisted")
    first = next(m for m in confirmed if m["registration_id"] == workshop["people"][0]["id"])

    assert first["checkin_code"] == workshop["codes"][0]
    token = workshop["people"][0]["manage_url"].rsplit("/", 1)[1]
    assert first["checkin_qr_url"] == f"https://reg.example.test/manage/{token}/check-in.png"
    assert waitlisted[0]["checkin_code"] is None and waitlisted[0]["checkin_qr_url"] is None


def test_a_promoted_participant_gets_a_code(client, organiser, workshop):
    token = workshop["people"][0]["manage_url"].rsplit("/", 1)[1]
    client.post(f"/api/v1/manage/{token}/cancel")
    assert code_of(client, workshop["people"][2]) is not None
