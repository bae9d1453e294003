"""The delivery pass against a hand-written mailer: outcomes, retries and isolation of failures."""

from datetime import timedelta

import pytest

from services.notifications.adapters.postman import Postman, Sender
from services.notifications.domain.errors import PermanentDeliveryError, TemporaryDeliveryError
from services.notifications.domain.notification import RetryPolicy
from services.notifications.domain.ports import Mailer
from services.notifications.service_layer.delivery import deliver_due, resend
from tests.notifications import factories as f

RETRY = RetryPolicy(max_attempts=3, base_seconds=60)


class FakeMailer(Mailer):
    """Records what it is given; refuses recipients listed in ``refuse`` with their error."""

    def __init__(self):
        self.sent = []
        self.refuse: dict[str, Exception] = {}

    def send(self, msg) -> None:
        error = self.refuse.get(msg.recipient)
        if error is not None:
            raise error
        self.sent.append(msg)


@pytest.fixture
def mailer():
    return FakeMailer()


@pytest.fixture
def deliver(uow_factory, mailer, clock):
    postman = Postman(mailer, Sender("workshops@cx.example.eu", "ClusterXchange"))
    return lambda: deliver_due(uow_factory, postman, clock, RETRY)


def confirm(handle, *numbers: int) -> None:
    for number in numbers:
        payload = f.registration("confirmed", number=number)
        handle(f.envelope("registration.confirmed", payload))


def status_of(stored) -> dict[str, tuple[str, int]]:
    return {n.recipient_email: (n.status, n.attempts) for n in stored()}


def test_a_queued_email_is_sent_once_and_marked_sent(handle, stored, deliver, mailer):
    confirm(handle, 1)

    assert (deliver(), deliver()) == (1, 0)

    assert len(mailer.sent) == 1
    assert status_of(stored) == {"anna1@example.eu": ("sent", 1)}


def test_a_refused_connection_ends_the_pass_and_leaves_the_rest_queued(
    handle, stored, deliver, mailer
):
    confirm(handle, 1, 2)
    down = TemporaryDeliveryError("ConnectionRefusedError: [Errno 111]")
    mailer.refuse = {"anna1@example.eu": down, "anna2@example.eu": down}

    assert deliver() == 0

    assert sorted(status_of(stored).values()) == [("queued", 0), ("queued", 1)]


def test_a_try_later_for_one_recipient_does_not_hold_up_the_others(
    handle, stored, deliver, mailer, clock
):
    confirm(handle, 1, 2)
    mailer.refuse = {"anna1@example.eu": TemporaryDeliveryError("452 mailbox full", 452)}

    assert deliver() == 1

    assert status_of(stored)["anna1@example.eu"] == ("queued", 1)
    (deferred,) = [n for n in stored() if n.status == "queued"]
    assert deferred.next_attempt_at == clock() + timedelta(seconds=60)


def test_a_deferred_email_is_tried_again_only_once_its_backoff_is_over(
    handle, stored, deliver, mailer, clock
):
    confirm(handle, 1)
    mailer.refuse = {"anna1@example.eu": TemporaryDeliveryError("451 later", 451)}
    deliver()
    mailer.refuse = {}

    clock.advance(seconds=59)
    assert deliver() == 0
    clock.advance(seconds=1)
    assert deliver() == 1


def test_a_permanent_refusal_is_failed_with_the_reply_and_not_retried(
    handle, stored, deliver, mailer, clock
):
    confirm(handle, 1)
    mailer.refuse = {"anna1@example.eu": PermanentDeliveryError("550 5.1.1 unknown user", 550)}

    deliver()
    clock.advance(days=1)
    deliver()

    (failed,) = stored()
    assert (failed.status, failed.attempts, failed.last_error) == (
        "failed",
        1,
        "550 5.1.1 unknown user",
    )


def test_an_email_that_cannot_be_built_fails_visibly_and_the_others_still_go(
    handle, stored, deliver, mailer, uow_factory
):
    confirm(handle, 1, 2)
    with uow_factory() as uow:
        broken = next(n for n in stored() if n.registration_id == "reg-1")
        uow.notifications.get(broken.id).context = {}
        uow.commit()

    assert deliver() == 1

    assert status_of(stored)["anna1@example.eu"] == ("failed", 1)
    assert "UndefinedError" in next(n.last_error for n in stored() if n.status == "failed")


def test_a_resent_email_goes_out_again_under_a_new_message_id(
    handle, stored, deliver, mailer, uow_factory, clock
):
    confirm(handle, 1)
    deliver()
    (original,) = stored()

    copy = resend(original.id, uow_factory(), clock)
    deliver()

    first, second = mailer.sent
    assert first.message_id != second.message_id
    assert (copy.resend_of, copy.status) == (original.id, "queued")
    assert sorted(n.status for n in stored()) == ["sent", "sent"]
