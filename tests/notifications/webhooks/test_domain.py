"""Webhook rules without I/O: signatures, backoff, URL checks, failure streaks."""

from datetime import timedelta

import pytest

from services.notifications.webhooks.domain.errors import InvalidEndpoint
from services.notifications.webhooks.domain.model import (
    Endpoint,
    WebhookDelivery,
    WebhookPolicy,
    check_url,
)
from services.notifications.webhooks.domain.signing import new_secret, signature, verify
from tests.notifications.factories import NOW

SECRET = "whsec_" + "k" * 43


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    body = b'{"id":"1"}'
    expected = hmac.new(SECRET.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature(SECRET, 1700000000, body) == f"t=1700000000,v1={expected}"


def test_a_changed_body_timestamp_or_secret_fails_verification():
    header = signature(SECRET, 1700000000, b"{}")
    assert verify(SECRET, header, b"{}")
    assert not verify(SECRET, header, b"{ }")
    assert not verify(SECRET, header.replace("t=1700000000", "t=1700000001"), b"{}")
    assert not verify(new_secret(), header, b"{}")
    assert not verify(SECRET, "garbage", b"{}")


def test_generated_secrets_have_256_bits_and_differ():
    secrets = {new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(s.removeprefix("whsec_")) >= 43 for s in secrets)


@pytest.mark.parametrize("url", ["https://a.example/x", "http://127.0.0.1:8080/hook"])
def test_http_and_https_urls_are_accepted(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    "url", ["ftp://a.example/", "file:///etc/passwd", "mailto:a@b.c", "https://", "a.example"]
)
def test_other_urls_are_refused(url):
    with pytest.raises(InvalidEndpoint):
        check_url(url)


def test_backoff_doubles_from_30_seconds_and_is_capped_at_6_hours():
    policy = WebhookPolicy()
    delays = [policy.delay(n).total_seconds() for n in (1, 2, 3, 10, 11, 20)]
    assert delays == [30, 60, 120, 15360, 6 * 3600, 6 * 3600]


def test_a_delivery_gives_up_when_the_next_try_would_fall_after_three_days():
    policy = WebhookPolicy(disable_after=1000)
    endpoint = Endpoint.register("e", "https://a.example/", ["event.published"], SECRET, "", NOW)
    delivery = WebhookDelivery.queue("d", "e", "m", "event.published", b"{}", NOW, policy)
    now = NOW
    while delivery.status == "pending":
        now = delivery.next_attempt_at
        delivery.record(503, None, endpoint, now, policy)
    assert delivery.status == "failed"
    assert now <= NOW + timedelta(days=3)
    assert "gave up" in delivery.last_error


def test_a_success_ends_the_failure_streak():
    policy = WebhookPolicy(disable_after=3)
    endpoint = Endpoint.register("e", "https://a.example/", ["event.published"], SECRET, "", NOW)
    for outcome in (500, 500, 200, 500, 500):
        delivery = WebhookDelivery.queue("d", "e", "m", "event.published", b"{}", NOW, policy)
        delivery.record(outcome, None, endpoint, NOW, policy)
    assert (endpoint.status, endpoint.consecutive_failures) == ("active", 2)
