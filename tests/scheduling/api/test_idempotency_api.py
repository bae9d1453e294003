"""An organiser's retried "schedule a visit" POST schedules one visit, not two."""

from tests.scheduling.builders import EVENT_ID, visit_body

VISITS = f"/api/v1/events/{EVENT_ID}/visits"


def test_a_retried_visit_post_replays_the_first_answer_and_schedules_once(
    client, organiser, published_event, outbox_messages
):
    headers = organiser | {"Idempotency-Key": "visit-1"}
    first = client.post(VISITS, json=visit_body(), headers=headers)
    retried = client.post(VISITS, json=visit_body(), headers=headers)

    assert first.status_code == retried.status_code == 201
    assert retried.get_data() == first.get_data()
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert len(client.get(VISITS).json["items"]) == 1
    assert [kind for kind, _ in outbox_messages()] == ["visit.scheduled"]


def test_the_same_key_for_another_visit_is_a_422(client, organiser, published_event):
    headers = organiser | {"Idempotency-Key": "visit-2"}
    client.post(VISITS, json=visit_body(), headers=headers)

    other = client.post(VISITS, json=visit_body(title="Another visit"), headers=headers)

    assert other.status_code == 422
    assert other.mimetype == "application/problem+json"
    assert len(client.get(VISITS).json["items"]) == 1
