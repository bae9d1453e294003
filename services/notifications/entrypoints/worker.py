"""The notifications worker: consumes messages, sends queued emails, fires due reminders.

``python -m services.notifications.entrypoints.worker``
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from services.notifications.bootstrap import Notifications, bootstrap
from services.notifications.service_layer import delivery, reminders
from services.notifications.service_layer.handlers import consumer_handlers
from shared.runtime import run_worker

log = logging.getLogger(__name__)
DELIVERY_POLL_SECONDS = 1.0  # fallback; a commit in this process wakes the loop at once
REMINDER_POLL_SECONDS = 30.0

Loop = Callable[[threading.Event], None]


def delivery_loop(app: Notifications, poll: float = DELIVERY_POLL_SECONDS) -> Loop:
    """Send due emails whenever woken (or every ``poll`` seconds) until stopped."""

    def run(stopping: threading.Event) -> None:
        while not stopping.is_set():
            try:
                delivery.deliver_due(app.uow, app.postman, app.clock, app.retry)
            except Exception:  # noqa: BLE001 - database hiccup: logged, the next pass retries
                log.exception("delivery pass failed")
            app.wakeup.wait(poll)
            app.wakeup.clear()

    return run


def reminder_loop(app: Notifications, poll: float = REMINDER_POLL_SECONDS) -> Loop:
    """Queue the emails of due reminders every ``poll`` seconds until stopped."""

    def run(stopping: threading.Event) -> None:
        while True:
            try:
                fired = reminders.fire_due(app.uow(), app.policy)
            except Exception:  # noqa: BLE001 - logged, the next pass retries
                log.exception("reminder pass failed")
            else:
                if fired:
                    log.info("reminders fired", extra={"count": fired})
            if stopping.wait(poll):
                return

    return run


def main() -> None:
    """Run until SIGTERM."""
    from shared.logging_setup import configure_logging

    app = bootstrap()
    configure_logging("notifications", app.infrastructure.settings.log_level)
    log.info("mail transport", extra={"transport": app.mail_transport})
    run_worker(
        "notifications",
        app.infrastructure.settings.broker,
        app.infrastructure.engine,
        app.outbox,
        app.uow,
        handlers=consumer_handlers(app.policy),
        extra_loops=(delivery_loop(app), reminder_loop(app)),
    )


if __name__ == "__main__":
    main()
