"""Messages become thin, signed POSTs to a real receiver; retries, giving up and disabling."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.notifications.webhooks.adapters.orm import webhook_deliveries
from services.notifications.webhooks.domain.signing import verify
from tests.notifications import factories as f
from tests.notifications.webhooks.harness import apply, send

TYPES = ["registration.confirmed", "visit.scheduled", "event.published"]


@pytest.fixture
def endpoint(client, auth, receiver):
    created = client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "message_types": TYPES}, headers=auth
    )
    assert created.status_code == 201, created.json
    return created.json


def _confirmed(number: int = 1):
    return f.envelope("registration.confirmed", f.registration("confirmed", number=number))


def _log(client, auth, endpoint):
    return client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=auth).json


def test_a_message_reaches_the_endpoint_as_a_signed_thin_event(hooks, endpoint, receiver):
    message = _confirmed()
    apply(hooks, message)

    assert send(hooks) == 1
    (request,) = receiver.received
    assert verify(endpoint["secret"], request.headers["Webhook-Signature"], request.body)
    assert not verify(
        "whsec_another-secret-entirely-000000", request.headers["Webhook-Signature"], request.body
    )
    timestamp = int(request.headers["Webhook-Signature"].split(",")[0].removeprefix("t="))
    assert timestamp == int(f.NOW.timestamp())
    assert request.headers["Webhook-Id"] == message.message_id
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "id": message.message_id,
        "type": "registration.confirmed",
        "resource": f"https://reg.example.test/api/v1/events/{f.EVENT_ID}/registrations",
        "occurred_at": f.NOW.isoformat(),
    }


def test_the_event_carries_no_personal_data(hooks, endpoint, receiver):
    apply(hooks, _confirmed(7))
    send(hooks)
    (request,) = receiver.received
    sent = request.body.decode() + json.dumps(request.headers)
    for personal in ("Anna", "Müller", "anna7@example.eu", "reg-7", "manage", "feed"):
        assert personal not in sent


def test_visits_point_at_scheduling_and_unwanted_types_are_not_sent(hooks, endpoint, receiver):
    apply(hooks, f.envelope("visit.scheduled", {"visit": f.visit()}))
    apply(hooks, f.envelope("registration.waitlisted", f.registration("waitlisted", number=2)))
    send(hooks)
    (request,) = receiver.received
    assert json.loads(request.body)["resource"] == "https://sched.example.test/api/v1/visits/v-1"


def test_a_redelivered_message_is_queued_once(hooks, endpoint, receiver):
    message = _confirmed()
    apply(hooks, message, message)
    send(hooks)
    assert len(receiver.received) == 1


def test_a_500_is_retried_with_backoff_until_it_is_accepted(
    hooks, endpoint, receiver, clock, client, auth
):
    receiver.answers = [500, 503]
    apply(hooks, _confirmed())

    assert send(hooks) == 0
    (entry,) = _log(client, auth, endpoint)
    assert (entry["status"], entry["attempts"], entry["last_status"]) == ("pending", 1, 500)
    assert entry["next_attempt_at"] == (f.NOW + timedelta(seconds=30)).isoformat()
    assert send(hooks) == 0  # not due yet
    clock.advance(seconds=30)
    assert send(hooks) == 0  # 503: next wait doubles
    clock.advance(seconds=59)
    assert send(hooks) == 0
    clock.advance(seconds=1)
    assert send(hooks) == 1

    (entry,) = _log(client, auth, endpoint)
    assert (entry["status"], entry["attempts"], entry["last_status"]) == ("delivered", 3, 200)
    assert len(receiver.received) == 3
    assert len({r.headers["Webhook-Id"] for r in receiver.received}) == 1  # receivers dedupe
    endpoint_now = client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=auth).json
    assert endpoint_now["consecutive_failures"] == 0


def test_a_410_disables_the_endpoint_and_its_pending_deliveries_wait(
    hooks, endpoint, receiver, client, auth
):
    receiver.answers = [410]
    apply(hooks, _confirmed(1), _confirmed(2))
    send(hooks)
    apply(hooks, _confirmed(3))  # while disabled: not queued at all

    state = client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=auth).json
    assert (state["status"], state["disabled_reason"]) == (
        "disabled",
        "the endpoint answered 410 Gone",
    )
    assert len(receiver.received) == 1
    assert sorted(e["status"] for e in _log(client, auth, endpoint)) == ["failed", "pending"]

    client.post(f"/api/v1/webhooks/{endpoint['id']}/enable", headers=auth)
    assert send(hooks) == 1
    assert len(receiver.received) == 2


def test_repeated_failures_disable_the_endpoint(hooks, endpoint, receiver, clock, client, auth):
    receiver.answers = [500] * 10
    apply(hooks, *(_confirmed(n) for n in range(1, 6)))  # WEBHOOK_DISABLE_AFTER_FAILURES=4
    send(hooks)

    state = client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=auth).json
    assert (state["status"], state["disabled_reason"]) == (
        "disabled",
        "4 failed attempts in a row",
    )
    assert len(receiver.received) == 4


def test_an_unreachable_endpoint_is_retried_then_given_up_after_three_days(
    hooks, client, auth, clock
):
    created = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/closed", "message_types": TYPES},  # discard: refused
        headers=auth,
    )
    endpoint = created.json
    hooks.policy = type(hooks.policy)(disable_after=1000)
    apply(hooks, _confirmed())
    attempts = 0
    while _log(client, auth, endpoint)[0]["status"] == "pending":
        send(hooks)
        attempts += 1
        clock.advance(hours=6)
    (entry,) = _log(client, auth, endpoint)

    assert entry["status"] == "failed"
    assert "ConnectionError" in entry["last_error"] and "gave up" in entry["last_error"]
    assert clock.now - f.NOW <= timedelta(days=3, hours=6)
    assert entry["attempts"] == attempts >= 10


def test_resend_sends_a_delivered_event_again(hooks, endpoint, receiver, client, auth):
    apply(hooks, _confirmed())
    send(hooks)
    (entry,) = _log(client, auth, endpoint)

    url = f"/api/v1/webhooks/{endpoint['id']}/deliveries/{entry['id']}/resend"
    resent = client.post(url, headers=auth)
    assert (resent.status_code, resent.json["status"]) == (202, "pending")
    assert send(hooks) == 1
    assert [r.body for r in receiver.received][0] == receiver.received[1].body
    with hooks.notifications.infrastructure.engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(webhook_deliveries)) == 1
