"""Concurrent senders on persistent SMTP connections, against a relay that drops connections."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from email import message_from_bytes, policy

import pytest
from aiosmtpd.smtp import MISSING

from services.notifications.adapters.smtp import SmtpMailer
from services.notifications.entrypoints.worker import sender_loops
from tests.notifications import factories as f
from tests.notifications.conftest import SmtpTestServer, free_port
from tests.notifications.harness import apply, notifications
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


class DroppingServer(SmtpTestServer):
    """Every ``every``-th message: hangs up at the client's next command after the 250 (its
    RSET, or its MAIL FROM just after the RSET was answered), or answers 421 and hangs up."""

    def __init__(self, port: int, every: int, hang_up: str) -> None:
        super().__init__(port)
        self.every, self.hang_up = every, hang_up
        self.arrivals = 0
        self.connections = 0
        self.refused: Counter[str] = Counter()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        """aiosmtpd hook: count the connections (each says EHLO once)."""
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        """Accept, but doom the connection on every ``every``-th message."""
        self.arrivals += 1
        if self.arrivals % self.every:
            return await super().handle_DATA(server, session, envelope)
        if self.hang_up != "421":
            session.hang_up_at = self.hang_up  # the 250 goes out; the next command finds none
            return await super().handle_DATA(server, session, envelope)
        asyncio.get_running_loop().call_later(0.01, server.transport.close)
        self.refused[message_from_bytes(envelope.content, policy=policy.default)["Message-ID"]] += 1
        return "421 4.3.2 closing this connection"

    async def handle_RSET(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        return self._maybe_hang_up(server, session, "RSET")

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if self._maybe_hang_up(server, session, "MAIL") is not MISSING:
            return "421 4.3.2 gone"  # never reaches the client: the connection is aborted
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    @staticmethod
    def _maybe_hang_up(server, session, command: str):
        """Abort the doomed connection at ``command``: the client reads no reply at all."""
        if getattr(session, "hang_up_at", None) != command:
            return MISSING
        server.transport.abort()
        return "421 4.3.2 gone"


@pytest.fixture(params=["RSET", "MAIL", "421"], ids=lambda at: f"hang up at {at}")
def dropping_server(request):
    server = DroppingServer(free_port(), every=25, hang_up=request.param)
    server.start()
    yield server
    server.stop()


def test_four_senders_send_200_emails_each_exactly_once_through_dropped_connections(
    make_service, dropping_server
):
    app = make_service(SMTP_PORT=str(dropping_server.port), EMAIL_SENDERS="4")
    assert len(app.postmen) == 4
    assert len({id(postman.mailer) for postman in app.postmen}) == 4  # a connection each
    apply(
        app,
        *(
            f.envelope("registration.confirmed", f.registration("confirmed", number=number))
            for number in range(1, 201)
        ),
    )
    stopping = threading.Event()
    threads = [threading.Thread(target=loop, args=(stopping,)) for loop in sender_loops(app, 0.05)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: {n.status for n in notifications(app)} == {"sent"}, timeout=60)
    finally:
        stopping.set()
        for thread in threads:
            thread.join(timeout=10)

    ids = Counter(m["Message-ID"] for m in dropping_server.messages)
    assert len(ids) == 200 and set(ids.values()) == {1}  # each accepted exactly once
    attempts = {app.postman.message(n)["Message-ID"]: n.attempts for n in notifications(app)}
    # a connection found dead is replaced before the send, which costs no attempt; a message
    # refused with 421 costs one and goes again on a new connection
    assert attempts == {key: 1 + dropping_server.refused[key] for key in ids}
    assert sum(dropping_server.refused.values()) == (8 if dropping_server.hang_up == "421" else 0)
    assert dropping_server.connections < 40  # connections are reused, not one per email


def test_an_idle_sender_closes_its_connection_and_opens_a_new_one_for_the_next_email(
    smtp_server, msg_for
):
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, security="none", timeout=2.0)
    mailer.send(msg_for(1))
    mailer.close()
    mailer.close()  # closing twice is harmless
    mailer.send(msg_for(2))
    mailer.close()

    assert [m["To"].addresses[0].addr_spec for m in smtp_server.wait_for_messages(2)] == [
        "anna1@example.eu",
        "anna2@example.eu",
    ]


@pytest.fixture
def msg_for(make_service):
    app = make_service()
    apply(
        app,
        *(
            f.envelope("registration.confirmed", f.registration("confirmed", number=number))
            for number in (1, 2)
        ),
    )
    by_address = {n.recipient_email: n for n in notifications(app)}
    return lambda number: app.postman.wire(by_address[f"anna{number}@example.eu"])
