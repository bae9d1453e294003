"""Per-visit attendance: registration keeps scheduling's visits and bookings from its messages,
and admits at a visit only a confirmed participant booked on it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.registration.attendance.service_layer import visits
from shared import messages
from shared.messages import Envelope
from tests.registration.attendance.conftest import HOSTILE_ORGANISATION
from tests.registration.attendance.test_evidence import pdf_text

pytestmark = pytest.mark.integration
START = datetime(2027, 4, 12, 13, 0, tzinfo=UTC)


def visit_payload(event_id: str, **overrides) -> dict:
    return {
        "visit_id": "visit-1",
        "event_id": event_id,
        "title": "Grid lab <b>tour</b>",
        "host_organisation": "Elia & Co",
        "location": {"name": "Elia", "address": "Bd de l'Empereur 20", "city": "Brussels"},
        "meeting_point": None,
        "requirements": [],
        "timezone": "Europe/Brussels",
        "start": START,
        "end": START.replace(hour=15),
        "capacity": 10,
        "status": "scheduled",
        "sequence": 0,
        "updated_at": START,
    } | overrides


def deliver(app, message_type: str, payload: dict) -> None:
    """Hand a scheduling message to registration's handler, as its worker does."""
    envelope = messages.load(
        messages.dump(Envelope(type=message_type, payload=payload, producer="scheduling"))
    )
    uow = app.extensions["container"].uow()
    with uow:
        visits.handlers()[message_type](envelope, uow)
        uow.commit()


@pytest.fixture
def visit(app, workshop) -> str:
    """The visit, with A and B (hostile organisation) booked; C (waitlisted) is not."""
    event_id = workshop["event"]["id"]
    deliver(app, "visit.scheduled", {"visit": visit_payload(event_id)})
    for person in workshop["people"][:2]:
        body = {"visit": visit_payload(event_id), "registration_id": person["id"]}
        deliver(app, "visit.participant_added", body)
    return "visit-1"


def check_in(client, organiser, visit_id: str, code: str):
    return client.post(
        f"/api/v1/visits/{visit_id}/check-ins", json={"code": code}, headers=organiser
    )


def test_a_booked_participant_is_checked_in_at_the_visit(client, organiser, workshop, visit):
    response = check_in(client, organiser, visit, workshop["codes"][0])

    assert response.status_code == 201
    assert response.json["day"] == "2027-04-12"
    sheet = client.get(f"/api/v1/visits/{visit}/attendance", headers=organiser).json
    assert sheet["checked_in"] == 1 and len(sheet["rows"]) == 2
    assert sheet["visit"]["title"] == "Grid lab <b>tour</b>"


def test_the_visit_check_in_is_announced_with_the_visit(app, client, organiser, workshop, visit):
    from tests.registration.attendance.test_check_in_api import messages as outbox_messages

    check_in(client, organiser, visit, workshop["codes"][0])
    [recorded] = outbox_messages(app, "attendance.recorded")
    assert recorded["visit_id"] == visit and recorded["day"] == "2027-04-12"


def test_someone_not_booked_on_the_visit_is_refused(app, client, organiser, workshop, visit):
    person = workshop["people"][1]
    deliver(
        app,
        "visit.participant_removed",
        {
            "visit": visit_payload(workshop["event"]["id"]),
            "registration_id": person["id"],
            "reason": "left",
        },
    )
    response = check_in(client, organiser, visit, workshop["codes"][1])
    assert response.status_code == 409
    assert response.json["outcome"] == "not_on_visit"


@pytest.mark.parametrize(
    ("code", "status", "outcome"),
    [("ABCDE-FGH23", 404, "unknown_code"), ("??", 422, "invalid_code")],
)
def test_a_bad_code_at_a_visit_is_a_problem(client, organiser, visit, code, status, outcome):
    response = check_in(client, organiser, visit, code)
    assert (response.status_code, response.json["outcome"]) == (status, outcome)
    assert response.mimetype == "application/problem+json"


def test_twice_at_one_visit_is_already_checked_in_and_undo_frees_it(
    client, organiser, workshop, visit
):
    code, person = workshop["codes"][0], workshop["people"][0]
    check_in(client, organiser, visit, code)
    assert check_in(client, organiser, visit, code).json["outcome"] == "already_checked_in"

    path = f"/api/v1/visits/{visit}/check-ins/{person['id']}"
    assert client.delete(path, headers=organiser).status_code == 204
    assert client.delete(path, headers=organiser).status_code == 404
    assert check_in(client, organiser, visit, code).status_code == 201


def test_a_cancelled_visit_admits_nobody(app, client, organiser, workshop, visit):
    cancelled = visit_payload(workshop["event"]["id"], status="cancelled", sequence=1)
    deliver(app, "visit.cancelled", {"visit": cancelled, "participants": [], "reason": None})
    assert (
        check_in(client, organiser, visit, workshop["codes"][0]).json["outcome"]
        == "visit_cancelled"
    )


def test_an_older_visit_snapshot_arriving_late_changes_nothing(
    app, client, organiser, workshop, visit
):
    event_id = workshop["event"]["id"]
    deliver(
        app,
        "visit.updated",
        {
            "visit": visit_payload(event_id, title="New", sequence=2),
            "changes": [],
            "participants": [],
        },
    )
    deliver(
        app,
        "visit.updated",
        {
            "visit": visit_payload(event_id, title="Old", sequence=1),
            "changes": [],
            "participants": [],
        },
    )
    sheet = client.get(f"/api/v1/visits/{visit}/attendance", headers=organiser).json
    assert sheet["visit"]["title"] == "New"


def test_an_unknown_visit_is_a_404_problem(client, organiser, workshop):
    for response in (
        check_in(client, organiser, "nope", workshop["codes"][0]),
        client.get("/api/v1/visits/nope/attendance", headers=organiser),
        client.delete("/api/v1/visits/nope/check-ins/x", headers=organiser),
    ):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_the_visit_sheet_pdf_names_the_visit_and_prints_hostile_text_as_typed(
    client, organiser, visit
):
    response = client.get(f"/api/v1/visits/{visit}/attendance?format=pdf", headers=organiser)
    text = pdf_text(response.data)
    assert "Grid lab <b>tour</b>" in text and "Elia & Co" in text and "2027-04-12" in text
    assert HOSTILE_ORGANISATION in text and "Signature" in text


def test_the_visit_endpoints_need_an_organiser(client, visit):
    assert client.post(f"/api/v1/visits/{visit}/check-ins", json={"code": "x"}).status_code == 401
    assert client.get(f"/api/v1/visits/{visit}/attendance").status_code == 401
    assert client.delete(f"/api/v1/visits/{visit}/check-ins/x").status_code == 401


def test_the_visit_desk_page_checks_in_and_the_event_desk_links_it(
    client, logged_in, workshop, visit
):
    event_desk = client.get(f"/organiser/events/{workshop['event']['id']}/check-in")
    assert f"/organiser/visits/{visit}/check-in" in event_desk.get_data(as_text=True)
    data = {"code": "ABCDE-FGH23", "csrf_token": logged_in}
    refused = client.post(f"/organiser/visits/{visit}/check-in", data=data)
    assert refused.status_code == 404 and 'data-outcome="unknown_code"' in refused.get_data(True)
    data["code"] = workshop["codes"][0]
    response = client.post(f"/organiser/visits/{visit}/check-in", data=data)
    assert response.status_code == 201 and "1 of 2 checked in" in response.get_data(True)
    assert client.get(f"/organiser/visits/{visit}/attendance.pdf").mimetype == "application/pdf"
