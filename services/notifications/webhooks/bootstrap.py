"""Composition root of the webhooks feature, on top of the notifications service's own."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.notifications.bootstrap import Notifications
from services.notifications.webhooks.adapters.http import HttpPoster
from services.notifications.webhooks.adapters.orm import start_mappers
from services.notifications.webhooks.domain.model import WebhookPolicy
from services.notifications.webhooks.domain.ports import Poster
from services.notifications.webhooks.service_layer.handlers import webhook_handlers
from services.notifications.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from shared.consumer import Handler
from shared.topology import platform_topology


@dataclass
class Webhooks:
    """Everything the webhook entrypoints need, wired once."""

    notifications: Notifications
    policy: WebhookPolicy
    poster: Poster
    wakeup: threading.Event = field(default_factory=threading.Event)

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.notifications.clock

    def uow(self) -> WebhooksUnitOfWork:
        """A unit of work whose commit wakes this process's email and webhook senders."""
        infrastructure = self.notifications.infrastructure
        exchange = platform_topology(infrastructure.settings.broker).events_exchange(
            "notifications"
        )

        def wake(emails: int) -> None:
            self.notifications.wakeup.ring(emails)
            self.wakeup.set()

        return WebhooksUnitOfWork(infrastructure.session_factory, exchange.name, wake)

    def handlers(self) -> dict[str, Handler]:
        """The Worker's ``webhooks`` group."""
        urls = self.notifications.infrastructure.settings.public_urls
        return webhook_handlers(urls, self.policy, self.clock)


def bootstrap_webhooks(
    notifications: Notifications,
    env: Mapping[str, str] | None = None,
    poster: Poster | None = None,
) -> Webhooks:
    """Build the feature from the environment (or the given mapping)."""
    env = dict(os.environ if env is None else env)
    start_mappers()
    policy = WebhookPolicy(
        base_seconds=float(env.get("WEBHOOK_RETRY_BASE_SECONDS") or 30),
        retry_for=timedelta(hours=float(env.get("WEBHOOK_RETRY_HOURS") or 72)),
        disable_after=int(env.get("WEBHOOK_DISABLE_AFTER_FAILURES") or 20),
    )
    timeout = float(env.get("WEBHOOK_TIMEOUT_SECONDS") or 10)
    return Webhooks(notifications, policy, poster or HttpPoster(min(timeout, 5.0), timeout))
