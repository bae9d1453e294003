"""The webhook sender loop the notifications worker runs beside its email sender."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from services.notifications.webhooks.bootstrap import Webhooks
from services.notifications.webhooks.service_layer.delivery import deliver_due

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0  # fallback; a commit in this process wakes the loop at once


def webhook_loop(hooks: Webhooks, poll: float = POLL_SECONDS) -> Callable[[threading.Event], None]:
    """Send due deliveries whenever woken (or every ``poll`` seconds) until stopped."""

    def run(stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                deliver_due(hooks.uow, hooks.poster, hooks.clock, hooks.policy)
            except Exception:  # noqa: BLE001 - database hiccup: logged, the next pass retries
                log.exception("webhook pass failed")
            hooks.wakeup.wait(poll)
            hooks.wakeup.clear()

    return run
