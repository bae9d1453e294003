"""A participant whose registration POST timed out retries with the same Idempotency-Key."""

from sqlalchemy import func, select

from services.registration.adapters.orm import outbox, registrations
from tests.registration.conftest import person


def _count(app, table) -> int:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        return db.scalar(select(func.count()).select_from(table))


def _register(client, event_id, key, body):
    url = f"/api/v1/events/{event_id}/registrations"
    return client.post(url, json=body, headers={"Idempotency-Key": key})


def test_a_retried_registration_gets_its_original_answer_and_registers_once(
    client, app, published_event
):
    event_id = published_event()["id"]
    messages_before = _count(app, outbox)

    first = _register(client, event_id, "retry-after-timeout", person(1))
    retried = _register(client, event_id, "retry-after-timeout", person(1))

    assert first.status_code == retried.status_code == 201
    assert retried.get_data() == first.get_data()  # same id, same private manage link
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert _count(app, registrations) == 1
    assert _count(app, outbox) == messages_before + 1


def test_the_same_key_for_another_person_is_a_422_and_registers_nobody(
    client, app, published_event
):
    event_id = published_event()["id"]
    _register(client, event_id, "one-key", person(1))

    other = _register(client, event_id, "one-key", person(2))

    assert other.status_code == 422
    assert other.mimetype == "application/problem+json"
    assert "p2@example.org" not in other.get_data(as_text=True)
    assert _count(app, registrations) == 1


def test_after_24_hours_the_key_is_forgotten(client, app, published_event, clock):
    event_id = published_event()["id"]
    _register(client, event_id, "old-key", person(1))
    clock.advance(hours=24)

    again = _register(client, event_id, "old-key", person(1))

    assert again.status_code == 409  # now a second attempt: the email is already registered
    assert "Idempotent-Replayed" not in again.headers
