"""A participant token scheduling has not heard of yet is waited for briefly, not refused."""

import secrets
import threading
import time

from tests.scheduling.builders import registration_payload


def _join(client, visit_id, token):
    return client.post(
        f"/api/v1/visits/{visit_id}/participants", json={}, headers={"X-Participant-Token": token}
    )


def test_a_join_with_a_fresh_token_waits_for_the_registration_to_arrive(client, deliver, visit_id):
    token = secrets.token_urlsafe(32)
    later = threading.Timer(
        0.5,
        lambda: deliver("registration.confirmed", registration_payload("r7", feed_token=token)),
    )
    later.start()
    try:
        response = _join(client, visit_id, token)
    finally:
        later.join()
    assert response.status_code == 201, response.json
    assert response.json["registration_id"] == "r7"


def test_a_token_that_never_arrives_is_still_a_401_after_the_wait(client, visit_id):
    started = time.monotonic()
    response = _join(client, visit_id, secrets.token_urlsafe(32))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert time.monotonic() - started < 10


def test_a_garbage_token_is_refused_at_once(client, visit_id):
    started = time.monotonic()
    assert _join(client, visit_id, "not-a-token").status_code == 401
    assert time.monotonic() - started < 1
