"""The notifications worker: consumes messages, sends queued emails, fires due reminders.

``python -m services.notifications.entrypoints.worker``
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from services.notifications.bootstrap import Notifications, bootstrap
from services.notifications.service_layer import delivery, reminders
from services.notifications.service_layer.handlers import consumer_handlers, prepare
from services.notifications.webhooks.bootstrap import bootstrap_webhooks
from services.notifications.webhooks.entrypoints.worker import webhook_loop
from shared.runtime import run_worker

log = logging.getLogger(__name__)
DELIVERY_POLL_SECONDS = 1.0  # fallback; a commit in this process wakes the senders at once
SMTP_IDLE_CLOSE_SECONDS = 30.0
REMINDER_POLL_SECONDS = 30.0

Loop = Callable[[threading.Event], None]


def delivery_loop(
    app: Notifications,
    poll: float = DELIVERY_POLL_SECONDS,
    sender: int = 0,
    idle_close: float = SMTP_IDLE_CLOSE_SECONDS,
) -> Loop:
    """Sender number ``sender``: sends due emails when woken (or every ``poll`` s) until stopped.

    Its own postman's SMTP connection stays open while there is work and is closed after
    ``idle_close`` seconds without any.
    """
    send = app.postmen[sender]
    app.wakeup.subscribe()

    def run(stopping: threading.Event) -> None:
        last_busy = time.monotonic()
        while not stopping.is_set():
            try:
                if delivery.deliver_due(app.sender_uow, send, app.clock, app.retry):
                    last_busy = time.monotonic()
            except Exception:  # noqa: BLE001 - database hiccup: logged, the next pass retries
                log.exception("delivery pass failed")
            if not app.wakeup.wait(poll) and time.monotonic() - last_busy >= idle_close:
                send.mailer.close()
        send.mailer.close()

    return run


def sender_loops(app: Notifications, poll: float = DELIVERY_POLL_SECONDS) -> tuple[Loop, ...]:
    """``EMAIL_SENDERS`` senders, each with its own postman and SMTP connection."""
    return tuple(delivery_loop(app, poll, sender) for sender in range(len(app.postmen)))


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
    hooks = bootstrap_webhooks(app)
    configure_logging("notifications", app.infrastructure.settings.log_level)
    log.info("mail transport", extra={"transport": app.mail_transport})
    run_worker(
        "notifications",
        app.infrastructure.settings.broker,
        app.infrastructure.engine,
        app.outbox,
        hooks.uow,  # the notifications unit of work plus the webhook repositories
        handlers=consumer_handlers(app.policy) | {"webhooks": hooks.handlers()},
        extra_loops=(*sender_loops(app), reminder_loop(app), webhook_loop(hooks)),
        prepare=prepare,
    )


if __name__ == "__main__":
    main()
