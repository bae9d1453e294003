"""Registration's messages keep scheduling's copy of events and registrations up to date."""

from datetime import timedelta

from tests.scheduling.builders import (
    EVENT_ID,
    NOW,
    PUBLISHED_AT,
    event_payload,
    registration_payload,
    token_of,
    visit_body,
)

VISITS = f"/api/v1/events/{EVENT_ID}/visits"
PERSONAL_FEED = f"/feeds/participants/{registration_payload('r1')['feed_token']}.ics"


def join(client, visit_id, registration_id):
    return client.post(
        f"/api/v1/visits/{visit_id}/participants", json={}, headers=token_of(registration_id)
    )


def test_a_registration_arriving_before_its_event_creates_the_event_from_its_snapshot(
    client, organiser, deliver
):
    deliver("registration.confirmed", registration_payload("r1"))

    visit = client.post(VISITS, json=visit_body(), headers=organiser)

    assert visit.status_code == 201
    assert join(client, visit.json["id"], "r1").status_code == 201


def test_an_older_event_snapshot_does_not_undo_a_newer_one(client, deliver):
    renamed = event_payload(title="Renamed", sequence=1, updated_at=PUBLISHED_AT + timedelta(1))
    deliver("event.updated", renamed | {"changes": ["title"]})
    deliver("registration.confirmed", registration_payload("r1"))

    feed = client.get(f"/feeds/events/{EVENT_ID}.ics").get_data(as_text=True)

    assert "NAME:Renamed" in feed


def test_a_cancelled_registration_leaves_its_visits_and_frees_its_seat(
    client, deliver, visit_id, outbox_messages
):
    join(client, visit_id, "r1")

    deliver("registration.cancelled", registration_payload("r1", "cancelled"))

    assert client.get(f"/api/v1/visits/{visit_id}").json["seats_left"] == 12
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["reason"]) == ("visit.participant_removed", "registration_cancelled")


def test_an_erased_participant_leaves_every_visit_and_their_feed_link_dies(
    client, deliver, visit_id, outbox_messages
):
    join(client, visit_id, "r1")
    assert client.get(PERSONAL_FEED).status_code == 200

    deliver("participant.erased", {"registration_id": "r1", "event_id": EVENT_ID, "erased_at": NOW})

    assert client.get(PERSONAL_FEED).status_code == 404
    assert outbox_messages()[-1][1]["reason"] == "erased"
    deliver("registration.confirmed", registration_payload("r1"))
    assert client.get(PERSONAL_FEED).status_code == 404


def test_an_erasure_that_overtakes_everything_else_is_not_undone_by_late_messages(client, deliver):
    deliver("participant.erased", {"registration_id": "r1", "event_id": EVENT_ID, "erased_at": NOW})

    deliver("registration.confirmed", registration_payload("r1"), occurred_at=PUBLISHED_AT)

    assert client.get(f"/feeds/events/{EVENT_ID}.ics").status_code == 200
    assert client.get(PERSONAL_FEED).status_code == 404


def test_a_cancelled_event_cancels_its_visits_and_takes_no_new_ones(
    client, organiser, deliver, visit_id, outbox_messages
):
    join(client, visit_id, "r1")
    cancelled = event_payload(status="cancelled", sequence=1, updated_at=NOW)

    deliver("event.cancelled", cancelled | {"reason": "venue flooded"})

    assert client.get(f"/api/v1/visits/{visit_id}").json["status"] == "cancelled"
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["participants"]) == ("visit.cancelled", ["r1"])
    refused = client.post(VISITS, json=visit_body(), headers=organiser)
    assert (refused.status_code, refused.json["detail"]) == (409, "the event is cancelled")
