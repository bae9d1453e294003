"""The delivery story of one notification: retries, giving up, resends, erasure."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.domain.errors import NotResendable
from services.notifications.domain.notification import Notification, RetryPolicy

NOW = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def notification() -> Notification:
    return Notification(
        id="n-1",
        source_message_id="m-1",
        registration_id="reg-1",
        kind="registration_confirmed",
        event_id="ev-1",
        recipient_email="anna@example.eu",
        recipient_name="Anna",
        language="en",
        context={"event_title": "Matchmaking"},
        calendar=None,
        created_at=NOW,
        next_attempt_at=NOW,
    )


def test_backoff_doubles_from_the_base_and_stops_at_the_cap():
    policy = RetryPolicy(max_attempts=8, base_seconds=30, cap_seconds=100)

    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_a_temporary_refusal_keeps_the_email_queued_until_after_the_backoff(notification):
    notification.refused_for_now("451 try later", NOW, RetryPolicy(base_seconds=30))

    assert (notification.status, notification.attempts) == ("queued", 1)
    assert notification.next_attempt_at == NOW + timedelta(seconds=30)
    assert notification.last_error == "451 try later"


def test_the_last_temporary_refusal_fails_the_email_and_says_so(notification):
    policy = RetryPolicy(max_attempts=2)
    notification.refused_for_now("451 try later", NOW, policy)
    notification.refused_for_now("451 try later", NOW, policy)

    assert (notification.status, notification.attempts) == ("failed", 2)
    assert notification.last_error == "gave up after 2 attempts: 451 try later"
    assert notification.next_attempt_at is None


def test_a_permanent_refusal_fails_at_once_with_the_servers_reply(notification):
    notification.refused_for_good("550 5.1.1 mailbox unavailable", NOW)

    assert (notification.status, notification.attempts) == ("failed", 1)
    assert notification.last_error == "550 5.1.1 mailbox unavailable"


def test_resending_a_queued_email_makes_it_due_now(notification):
    notification.next_attempt_at = NOW + timedelta(hours=1)

    again = notification.resend("n-2", NOW)

    assert again is notification and again.next_attempt_at == NOW


@pytest.mark.parametrize("outcome", ["sent", "failed"])
def test_resending_a_finished_email_queues_a_copy_under_a_new_id(notification, outcome):
    if outcome == "sent":
        notification.delivered(NOW)
    else:
        notification.refused_for_good("550 no", NOW)

    again = notification.resend("n-2", NOW + timedelta(hours=1))

    assert (again.id, again.resend_of, again.status, again.attempts) == ("n-2", "n-1", "queued", 0)
    assert again.next_attempt_at == NOW + timedelta(hours=1) and again.last_error is None
    assert notification.status == outcome


def test_an_erased_email_is_not_resent_and_keeps_no_personal_data(notification):
    notification.delivered(NOW)
    notification.erase(NOW)

    assert notification.recipient_email == "erased-reg-1@invalid"
    assert (notification.recipient_name, notification.context) == ("[erased]", {})
    with pytest.raises(NotResendable):
        notification.resend("n-2", NOW)


def test_a_resend_to_a_corrected_address_copies_the_email_there_and_keeps_the_original(
    notification,
):
    notification.refused_for_good("550 <anna@example.eu> unknown", NOW)

    again = notification.resend("n-2", NOW, ("anna@example.org", "Anna M"))

    assert (again.recipient_email, again.recipient_name) == ("anna@example.org", "Anna M")
    assert notification.recipient_email == "anna@example.eu"


def test_a_queued_email_readdressed_forgets_the_old_address_in_its_deferral(notification):
    notification.refused_for_now("451 <ANNA@example.eu> greylisted", NOW, RetryPolicy())

    notification.readdress("anna@example.org", "Anna", NOW)

    assert notification.recipient_email == "anna@example.org"
    assert notification.last_error == "451 <[previous address]> greylisted"


@pytest.mark.parametrize("outcome", ["sent", "failed"])
def test_a_finished_email_is_never_readdressed(notification, outcome):
    if outcome == "sent":
        notification.delivered(NOW)
    else:
        notification.refused_for_good("550 no", NOW)

    notification.readdress("anna@example.org", "Anna", NOW)

    assert notification.recipient_email == "anna@example.eu"
