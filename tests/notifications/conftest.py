"""Notification test fixtures: sample invitations and emails, a real SMTP server (aiosmtpd),
and the service itself on a fresh PostgreSQL database, mailing that server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from services.notifications.bootstrap import bootstrap
from services.notifications.domain.outgoing_mail import Invitation, OutgoingEmail
from shared.infrastructure import utc_now

BRUSSELS = ZoneInfo("Europe/Brussels")
REPLIES = {"temp": "451 4.3.0 try later", "perm": "550 5.1.1 mailbox unavailable"}


class SmtpTestServer:
    """A real SMTP server on 127.0.0.1 in a thread; it records mail or refuses recipients.

    `mode` is "ok" (accept), "temp" (451 at RCPT) or "perm" (550 at RCPT); addresses in
    `bouncing` are refused with a 550 whatever the mode (a mistyped mailbox); `stop()` closes
    the port so clients see a refused connection, `start()` listens again on the same port.
    """

    def __init__(self, port: int) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.mode = "ok"
        self.bouncing: set[str] = set()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen on host:port (a stopped controller cannot restart, so make a new one)."""
        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        """Close the listening socket; connections are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def reset(self) -> None:
        """Forget received mail and accept again."""
        self.mode = "ok"
        self.bouncing = set()
        with self._arrived:
            self.messages.clear()
            self.envelopes.clear()

    def wait_for_messages(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """Block until at least count messages arrived (for asynchronous senders)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise TimeoutError(f"expected {count} messages, got {len(self.messages)}")
            return list(self.messages)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """aiosmtpd hook: accept the recipient unless the mode says to refuse it."""
        if address.lower() in self.bouncing:
            return f"550 5.1.1 <{address}>: no such mailbox"
        if self.mode != "ok":
            return REPLIES[self.mode]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """aiosmtpd hook: record the message and wake up waiters."""
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.envelopes.append(envelope)
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def _smtp_server_session() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def smtp_server(_smtp_server_session: SmtpTestServer) -> SmtpTestServer:
    """A running, empty SMTP server in "ok" mode, reused across tests on one port."""
    _smtp_server_session.reset()
    _smtp_server_session.start()
    return _smtp_server_session


@pytest.fixture
def invitation() -> Invitation:
    """A first REQUEST for a study visit, to a recipient with a non-ASCII name."""
    return Invitation(
        uid="visit-0042@clusterxchange.eu",
        sequence=0,
        method="REQUEST",
        summary="Study visit: Port of Antwerp-Bruges",
        description="Meet at the visitor centre; bring an ID card.",
        location="Zaha Hadidplein 1, 2030 Antwerpen",
        start=datetime(2025, 5, 15, 13, 0, tzinfo=BRUSSELS),
        end=datetime(2025, 5, 15, 16, 0, tzinfo=BRUSSELS),
        organizer_email="visits@clusterxchange.eu",
        organizer_name="ClusterXchange Visits",
        attendee_email="anna.mueller@example.eu",
        attendee_name="Anna Müller",
        last_modified=datetime(2025, 4, 1, 8, 30, tzinfo=UTC),
    )


@pytest.fixture
def outgoing_email(invitation: Invitation) -> OutgoingEmail:
    """A visit_joined email carrying the invitation."""
    return OutgoingEmail(
        to_address="anna.mueller@example.eu",
        to_name="Anna Müller",
        subject="Study visit booked: Port of Antwerp-Bruges – Zeebrügge",
        text_body="Hello Anna Müller,\n\nYou have joined the study visit.\n",
        html_body="<p>Hello Anna Müller,</p><p>You have joined the study visit.</p>\n",
        message_id_key="visit_joined:visit-0042:anna.mueller@example.eu:0",
        invitation=invitation,
    )


@pytest.fixture
def service_env(postgres_url, smtp_server, tmp_path) -> dict[str, str]:
    """The service's environment: fresh PostgreSQL, the test SMTP server, fast retries."""
    return {
        "NOTIFICATIONS_DATABASE_URL": postgres_url,
        "DATA_DIR": str(tmp_path),
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "workshops@cx.example.eu",
        "EMAIL_RETRY_BASE_SECONDS": "0.05",
        "REMINDER_LEAD_TIMES": "24h,2h",
    }


@pytest.fixture
def make_service(service_env):
    """Build the service (schema migrated) with a clock and env overrides; disposed afterwards."""
    built = []

    def make(clock=utc_now, **overrides: str):
        app = bootstrap(service_env | overrides, clock, migrate=not built)
        built.append(app)
        return app

    yield make
    for app in built:
        for postman in app.postmen:
            postman.mailer.close()
        app.infrastructure.engine.dispose()
