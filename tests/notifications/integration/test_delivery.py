"""Delivery over real SMTP from real PostgreSQL: outages, refusals, concurrency, crashes."""

import threading

import pytest

from services.notifications.entrypoints.worker import delivery_loop
from services.notifications.service_layer.delivery import deliver_due
from tests.notifications import factories as f
from tests.notifications.harness import apply, deliver, notifications
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def confirmations(count: int) -> list:
    return [
        f.envelope("registration.confirmed", f.registration("confirmed", number=number))
        for number in range(1, count + 1)
    ]


def test_every_email_arrives_exactly_once_after_the_smtp_server_was_down_for_a_while(
    make_service, smtp_server
):
    app = make_service()
    smtp_server.stop()
    apply(app, *confirmations(6))
    stopping = threading.Event()
    sender = threading.Thread(target=delivery_loop(app, poll=0.02), args=(stopping,))
    sender.start()
    try:
        wait_until(lambda: all(n.attempts >= 2 for n in notifications(app)), timeout=10)
        assert {n.status for n in notifications(app)} == {"queued"}
        smtp_server.start()
        wait_until(lambda: {n.status for n in notifications(app)} == {"sent"}, timeout=10)
    finally:
        stopping.set()
        sender.join(timeout=5)

    received = smtp_server.messages
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == [
        f"anna{n}@example.eu" for n in range(1, 7)
    ]
    assert len({m["Message-ID"] for m in received}) == 6


def test_a_550_reply_fails_the_email_with_the_servers_reply_and_it_is_not_retried(
    make_service, smtp_server
):
    app = make_service()
    smtp_server.mode = "perm"
    apply(app, *confirmations(1))

    deliver(app)
    deliver(app)

    (failed,) = notifications(app)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "550 5.1.1 mailbox unavailable"
    assert smtp_server.messages == []


def test_several_senders_at_once_send_each_email_exactly_once(make_service, smtp_server):
    app = make_service()
    apply(app, *confirmations(24))

    senders = [threading.Thread(target=deliver, args=(app,)) for _ in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)

    received = smtp_server.wait_for_messages(24)
    assert len(received) == len({m["Message-ID"] for m in received}) == 24
    assert {n.status for n in notifications(app)} == {"sent"}


def test_a_sender_dying_after_the_relay_accepted_resends_with_the_same_message_id(
    make_service, smtp_server
):
    """The documented at-least-once edge: the copy is recognisable by its Message-ID."""
    app = make_service()
    apply(app, *confirmations(1))

    class Died(BaseException):
        """The process is killed right after the relay said 250."""

    def send_then_die(notification) -> None:
        app.postman(notification)
        raise Died

    with pytest.raises(Died):
        deliver_due(app.uow, send_then_die, app.clock, app.retry)
    deliver(app)

    first, again = smtp_server.messages
    assert first["Message-ID"] == again["Message-ID"]
    (sent,) = notifications(app)
    assert (sent.status, sent.attempts) == ("sent", 1)
