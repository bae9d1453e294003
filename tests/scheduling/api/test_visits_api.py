"""Organisers schedule, edit and cancel visits over HTTP; everyone may read them."""

import pytest

from tests.scheduling.builders import EVENT_ID, visit_body

VISITS = f"/api/v1/events/{EVENT_ID}/visits"


def test_an_organiser_schedules_a_visit_in_the_events_timezone_with_host_feed_links(
    client, organiser, published_event, outbox_messages
):
    body = visit_body(start="2026-05-12T12:00:00Z", end="2026-05-12T14:00:00Z")

    response = client.post(VISITS, json=body, headers=organiser)

    assert response.status_code == 201
    visit = response.json
    assert (visit["start"], visit["timezone"]) == ("2026-05-12T14:00:00+02:00", "Europe/Brussels")
    assert (visit["status"], visit["sequence"], visit["seats_left"]) == ("scheduled", 0, 12)
    assert visit["requirements"] == ["ID card", "Safety briefing"]
    assert visit["host"]["contact_email"] == "bo@retex.example"
    feed = visit["host"]["feed"]
    assert feed["https"].startswith("https://calendar.example.eu/scheduling/feeds/hosts/")
    assert feed["webcal"].startswith("webcal://calendar.example.eu/scheduling/feeds/hosts/")
    assert feed["google"].startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
    assert visit["event_feed"]["https"].endswith(f"/feeds/events/{EVENT_ID}.ics")
    ((kind, payload),) = outbox_messages()
    assert (kind, payload["visit"]["visit_id"]) == ("visit.scheduled", visit["id"])


def test_the_public_sees_visits_without_host_contacts_tokens_or_participants(client, visit_id):
    for response in (client.get(f"/api/v1/visits/{visit_id}"), client.get(VISITS)):
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "bo@retex.example" not in text and "/feeds/hosts/" not in text
        assert "participants" not in text


def test_writes_without_an_organiser_credential_are_refused_with_a_problem(client, visit_id):
    attempts = [
        client.post(VISITS, json=visit_body()),
        client.patch(f"/api/v1/visits/{visit_id}", json={"title": "x"}),
        client.post(f"/api/v1/visits/{visit_id}/cancel", headers={"Authorization": "Bearer no"}),
    ]

    for response in attempts:
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert "organiser credential" in response.json["detail"]


@pytest.mark.parametrize(
    "change",
    [
        {"start": "2026-05-12T14:00:00"},
        {"end": "tomorrow"},
        {"capacity": 0},
        {"capacity": "12"},
        {"host": {"organisation": "x", "contact_name": "y", "contact_email": "no-email"}},
        {"colour": "red"},
    ],
)
def test_invalid_fields_are_a_422_problem_naming_the_field(
    client, organiser, published_event, change
):
    response = client.post(VISITS, json=visit_body(**change), headers=organiser)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]["json"]) == set(change)


def test_a_visit_ending_before_it_starts_is_a_422_problem(client, organiser, published_event):
    response = client.post(
        VISITS, json=visit_body(end="2026-05-12T13:00:00+02:00"), headers=organiser
    )

    assert response.status_code == 422
    assert response.json["detail"] == "end must be after start"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/visits/not-a-uuid",
        "/api/v1/visits/5f0c2a6e-3f1b-4c49-9a51-6d1f3c9b7eff",
        "/api/v1/events/unknown/visits",
        "/api/v1/events/unknown/feed",
        "/api/v1/blocks/%00",
    ],
)
def test_unknown_or_malformed_ids_are_a_404_problem(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_visits_of_an_event_scheduling_has_not_heard_of_are_refused(client, organiser):
    response = client.post(VISITS, json=visit_body(), headers=organiser)

    assert response.status_code == 404
    assert "has not heard of it" in response.json["detail"]


def test_a_host_already_receiving_a_group_then_is_a_409_problem(client, organiser, visit_id):
    overlapping = visit_body(start="2026-05-12T15:00:00+02:00", end="2026-05-12T17:00:00+02:00")

    response = client.post(VISITS, json=overlapping, headers=organiser)

    assert response.status_code == 409
    assert response.json["detail"].startswith("ReTex Lab already receives 'Textile recycling lab'")


def test_a_visit_outside_the_events_days_is_a_409_problem(client, organiser, published_event):
    late = visit_body(start="2026-05-20T10:00:00+02:00", end="2026-05-20T12:00:00+02:00")

    response = client.post(VISITS, json=late, headers=organiser)

    assert response.status_code == 409
    assert "between 2026-05-12 00:00 and 2026-05-14 00:00" in response.json["detail"]


def test_the_event_margin_is_read_from_the_environment(make_app, organiser, published_event):
    client = make_app(VISIT_EVENT_MARGIN_HOURS="24").test_client()
    early = visit_body(start="2026-05-11T10:00:00+02:00", end="2026-05-11T12:00:00+02:00")

    assert client.post(VISITS, json=early, headers=organiser).status_code == 201


def test_rescheduling_raises_the_sequence_and_announces_the_change_to_the_booked(
    client, organiser, visit_id, outbox_messages
):
    join = f"/api/v1/visits/{visit_id}/participants"
    client.post(join, json={"registration_id": "r1"}, headers=organiser)

    response = client.patch(
        f"/api/v1/visits/{visit_id}",
        json={"start": "2026-05-12T13:30:00+02:00", "meeting_point": "Gate B"},
        headers=organiser,
    )

    assert response.status_code == 200
    assert (response.json["sequence"], response.json["meeting_point"]) == (1, "Gate B")
    kind, payload = outbox_messages()[-1]
    assert kind == "visit.updated"
    assert payload["participants"] == ["r1"]
    assert payload["changes"] == [
        {"field": "start", "old": "2026-05-12T14:00:00+02:00", "new": "2026-05-12T13:30:00+02:00"},
        {"field": "meeting_point", "old": "Main entrance", "new": "Gate B"},
    ]


def test_an_empty_edit_changes_nothing(client, organiser, visit_id, outbox_messages):
    response = client.patch(f"/api/v1/visits/{visit_id}", json={}, headers=organiser)

    assert (response.status_code, response.json["sequence"]) == (200, 0)
    assert [kind for kind, _ in outbox_messages()] == ["visit.scheduled"]


def test_cancelling_a_visit_announces_it_and_a_second_cancel_is_a_409(
    client, organiser, visit_id, outbox_messages
):
    cancel = f"/api/v1/visits/{visit_id}/cancel"

    response = client.post(cancel, json={"reason": "Host closed"}, headers=organiser)

    assert (response.json["status"], response.json["sequence"]) == ("cancelled", 1)
    assert response.json["cancel_reason"] == "Host closed"
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["reason"]) == ("visit.cancelled", "Host closed")
    assert client.post(cancel, headers=organiser).status_code == 409


def test_organisers_list_the_events_hosts_with_contacts_and_feed_links(client, organiser, visit_id):
    response = client.get(f"/api/v1/events/{EVENT_ID}/hosts", headers=organiser)

    (host,) = response.json["items"]
    assert (host["organisation"], host["contact_name"]) == ("ReTex Lab", "Bo Peeters")
    assert host["feed"]["webcal"].startswith("webcal://")
    assert client.get(f"/api/v1/events/{EVENT_ID}/hosts").status_code == 401


def test_anyone_gets_the_subscription_links_of_the_public_feed(client, published_event):
    response = client.get(f"/api/v1/events/{EVENT_ID}/feed")

    assert response.json == {
        "https": f"https://calendar.example.eu/scheduling/feeds/events/{EVENT_ID}.ics",
        "webcal": f"webcal://calendar.example.eu/scheduling/feeds/events/{EVENT_ID}.ics",
        "google": "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fcalendar.example.eu"
        f"%2Fscheduling%2Ffeeds%2Fevents%2F{EVENT_ID}.ics",
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fcalendar"
        f".example.eu%2Fscheduling%2Ffeeds%2Fevents%2F{EVENT_ID}.ics",
    }


def test_the_openapi_document_and_health_probes_are_served(client):
    spec = client.get("/openapi.json").json

    assert spec["info"]["title"] == "Scheduling API"
    assert "/api/v1/visits/{visit_id}/participants" in spec["paths"]
    assert "/feeds/events/{event_id}.ics" in spec["paths"]
    assert client.get("/readyz").json == {"status": "ready"}
