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
    """Wakes every delivery sender of this process at once when a commit queued work."""

    def __init__(self) -> None:
        self._events: list[threading.Event] = []
        self._lock = threading.Lock()

    def subscribe(self) -> threading.Event:
        """An event of one sender's own, set by every ring."""
        event = threading.Event()
        with self._lock:
            self._events.append(event)
        return event

    def set(self) -> None:
        """Ring: wake all senders."""
        with self._lock:
            for event in self._events:
                event.set()


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

    def postman(self) -> Postman:
        """The first sender's postman (one-off deliveries and tests)."""
        return self.postmen[0]

    def uow(self) -> NotificationsUnitOfWork:
        """A unit of work whose commit wakes this process's senders (it may queue emails)."""
        return self._uow(self.wakeup.set)

    def sender_uow(self) -> NotificationsUnitOfWork:
        """A sender's unit of work: marking an email sent queues no work, so it wakes nobody."""
        return self._uow(lambda: None)

    @cached_property
    def _exchange(self) -> str:
        topology = platform_topology(self.infrastructure.settings.broker)
        return topology.events_exchange("notifications").name

    def _uow(self, on_commit: Callable[[], None]) -> NotificationsUnitOfWork:
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
