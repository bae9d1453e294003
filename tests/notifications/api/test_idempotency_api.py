"""A retried resend with the same Idempotency-Key queues one copy, not two."""

import pytest

from tests.notifications import factories as f
from tests.notifications.harness import apply, deliver, notifications

pytestmark = pytest.mark.integration


def test_a_retried_resend_replays_the_first_answer_and_copies_once(client, auth, service):
    apply(service, f.envelope("registration.confirmed", f.registration("confirmed", number=1)))
    deliver(service)
    (sent,) = notifications(service)
    headers = auth | {"Idempotency-Key": "resend-1"}

    first = client.post(f"/api/v1/notifications/{sent.id}/resend", headers=headers)
    retried = client.post(f"/api/v1/notifications/{sent.id}/resend", headers=headers)

    assert first.status_code == retried.status_code == 202
    assert retried.get_data() == first.get_data()
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert len(notifications(service)) == 2  # the original and one copy


def test_another_organisers_same_key_is_their_own_request(client, auth, service, env):
    from shared.credentials import CredentialStore

    apply(service, f.envelope("registration.confirmed", f.registration("confirmed", number=1)))
    deliver(service)
    (sent,) = notifications(service)
    _, token = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Olaf")
    url = f"/api/v1/notifications/{sent.id}/resend"

    client.post(url, headers=auth | {"Idempotency-Key": "shared"})
    theirs = client.post(
        url, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "shared"}
    )

    assert theirs.status_code == 202
    assert "Idempotent-Replayed" not in theirs.headers
    assert len(notifications(service)) == 3
