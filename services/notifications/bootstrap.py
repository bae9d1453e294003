"""Composition root of the notifications service: the only place that reads its environment."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from prometheus_client.registry import Collector
from sqlalchemy import Table

from services.notifications.adapters.metrics import EmailCollector
from services.notifications.adapters.orm import outbox, start_mappers
from services.notifications.adapters.postman import Postman, Sender
from services.notifications.adapters.smtp import MailboxDirMailer, SmtpMailer
from services.notifications.domain.notification import RetryPolicy
from services.notifications.domain.ports import Mailer
from services.notifications.service_layer.notify import Policy
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from shared.config import data_dir
from shared.infrastructure import Infrastructure, build_infrastructure, utc_now
from shared.topology import platform_topology

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
_LEAD = re.compile(r"^(\d+)\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class Doorbell:
    """Wakes as many idle delivery senders as a commit queued emails.

    A sender asks ``wait``; a commit rings with the number of emails it queued (or, not
    knowing, with None: everyone). A ring no waiting sender could take is kept for the next
    sender that asks, so a sender finishing a pass just as work arrives never misses it, and
    an email wakes one sender rather than all of them racing for one row.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[threading.Event] = []
        self._senders = 0
        self._kept = 0  # rings that found no sender waiting

    def subscribe(self) -> None:
        """Count one more sender (the most rings worth keeping)."""
        with self._lock:
            self._senders += 1

    def ring(self, emails: int | None = None) -> None:
        """Wake a sender per email queued (every sender for None); none for zero."""
        with self._lock:
            wanted = self._senders if emails is None else min(emails, self._senders)
            while wanted and self._waiting:
                self._waiting.pop(0).set()
                wanted -= 1
            self._kept = min(self._senders, self._kept + wanted)

    def wait(self, timeout: float) -> bool:
        """Block until rung or ``timeout`` s passed; whether it was rung."""
        with self._lock:
            if self._kept:
                self._kept -= 1
                return True
            bell = threading.Event()
            self._waiting.append(bell)
        if bell.wait(timeout):
            return True
        with self._lock:
            if bell in self._waiting:
                self._waiting.remove(bell)
                return False
        return True  # rung between the timeout and the lock


@dataclass
class Notifications:
    """Everything the entrypoints need, wired once."""

    infrastructure: Infrastructure
    policy: Policy
    retry: RetryPolicy
    postmen: tuple[Postman, ...]
    mail_transport: str
    wakeup: Doorbell = field(default_factory=Doorbell)

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.infrastructure.clock

    @property
    def outbox(self) -> Table:
        """The outbox table the worker's relay drains."""
        return outbox

    def metrics(self) -> Collector:
        """The delivery log's email counts for /metrics."""
        return EmailCollector(self.infrastructure.engine)

    @property
    def postman(self) -> Postman:
        """The first sender's postman (one-off deliveries and tests)."""
        return self.postmen[0]

    def uow(self) -> NotificationsUnitOfWork:
        """A unit of work whose commit wakes this process's senders (it may queue emails)."""
        return self._uow(self.wakeup.ring)

    def sender_uow(self) -> NotificationsUnitOfWork:
        """A sender's unit of work: marking an email sent queues no work, so it wakes nobody."""
        return self._uow(lambda _emails: None)

    @cached_property
    def _exchange(self) -> str:
        topology = platform_topology(self.infrastructure.settings.broker)
        return topology.events_exchange("notifications").name

    def _uow(self, on_commit: Callable[[int], None]) -> NotificationsUnitOfWork:
        return NotificationsUnitOfWork(
            self.infrastructure.session_factory, self._exchange, on_commit
        )


def bootstrap(
    env: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] = utc_now,
    mailer: Mailer | None = None,
    migrate: bool = False,
) -> Notifications:
    """Build the service from the environment (or the given mapping)."""
    env = dict(os.environ if env is None else env)
    start_mappers()
    infrastructure = build_infrastructure("notifications", env, clock)
    if migrate:
        infrastructure.migrate(MIGRATIONS)
    senders = int(env.get("EMAIL_SENDERS") or 4)
    if senders < 1:
        raise ValueError("EMAIL_SENDERS: at least one sender is needed")
    if mailer is None:  # one SMTP connection per sender: a mailer each
        built = [mailer_from(env) for _ in range(senders)]
        mailers, transport = [each for each, _ in built], f"{built[0][1]}, {senders} senders"
    else:
        mailers, transport = [mailer] * senders, "the given mailer"
    sender = Sender(
        env.get("MAIL_FROM") or "workshops@clusterxchange.local",
        env.get("MAIL_FROM_NAME") or "ClusterXchange",
    )
    return Notifications(
        infrastructure=infrastructure,
        policy=Policy(clock, lead_times(env.get("REMINDER_LEAD_TIMES", "24h"))),
        retry=RetryPolicy(
            max_attempts=int(env.get("EMAIL_MAX_ATTEMPTS") or 8),
            base_seconds=float(env.get("EMAIL_RETRY_BASE_SECONDS") or 30),
        ),
        postmen=tuple(Postman(each, sender) for each in mailers),
        mail_transport=transport,
    )


def mailer_from(env: Mapping[str, str]) -> tuple[Mailer, str]:
    """The SMTP relay of SMTP_*, or the embedded mailbox directory; and a description for logs."""
    host = env.get("SMTP_HOST")
    if not host:
        folder = data_dir(dict(env)) / "mailbox"
        return MailboxDirMailer(folder), f"mailbox directory {folder} (set SMTP_HOST to send)"
    security = env.get("SMTP_SECURITY") or "starttls"
    port = int(env.get("SMTP_PORT") or DEFAULT_PORTS.get(security, 587))
    mailer = SmtpMailer(
        host,
        port,
        security,  # SmtpMailer refuses unknown values
        username=env.get("SMTP_USERNAME") or None,
        password=env.get("SMTP_PASSWORD") or None,
    )
    return mailer, f"SMTP relay {host}:{port} ({security})"


def lead_times(value: str) -> tuple[timedelta, ...]:
    """Parse REMINDER_LEAD_TIMES such as "24h,2h" or "1d,30m" (empty: no reminders)."""
    leads = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        match = _LEAD.match(item)
        if match is None:
            raise ValueError(f"REMINDER_LEAD_TIMES: cannot read {item!r}; write e.g. 24h,2h or 30m")
        leads.append(timedelta(**{_UNITS[match[2]]: int(match[1])}))
    return tuple(sorted(set(leads), reverse=True))
