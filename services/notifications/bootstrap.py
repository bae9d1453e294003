"""Composition root of the notifications service: the only place that reads its environment."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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


@dataclass
class Notifications:
    """Everything the entrypoints need, wired once."""

    infrastructure: Infrastructure
    policy: Policy
    retry: RetryPolicy
    postman: Postman
    mail_transport: str
    wakeup: threading.Event = field(default_factory=threading.Event)

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

    def uow(self) -> NotificationsUnitOfWork:
        """A unit of work whose commit wakes this process's delivery loop."""
        exchange = platform_topology(self.infrastructure.settings.broker).events_exchange(
            "notifications"
        )
        return NotificationsUnitOfWork(
            self.infrastructure.session_factory, exchange.name, self.wakeup.set
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
    transport = "the given mailer"
    if mailer is None:
        mailer, transport = mailer_from(env)
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
        postman=Postman(mailer, sender),
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
