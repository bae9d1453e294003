"""Send queued emails, one locked row and one transaction each; and resend on request.

Each email is claimed with ``FOR UPDATE SKIP LOCKED``, handed to the relay and marked in the
same transaction, so the concurrent senders (``EMAIL_SENDERS``) never take the same row. The
"sent" mark commits right after the relay's 250, never after a batch. If the process dies
between that 250 and the commit, the row is still queued and is sent again with the same
Message-ID (derived from the notification id): that edge is at-least-once; everything else is
exactly once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from services.notifications.domain.errors import (
    NotFound,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from services.notifications.domain.notification import Notification, RetryPolicy
from services.notifications.service_layer.notify import Clock
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

log = logging.getLogger(__name__)

Send = Callable[[Notification], None]
"""Render a notification and hand it to the relay, or raise a DeliveryError."""

UNREACHABLE = "unreachable"


def deliver_due(
    uow_factory: Callable[[], NotificationsUnitOfWork],
    send: Send,
    clock: Clock,
    retry: RetryPolicy,
    limit: int = 500,
) -> int:
    """Send due emails until none is due or the relay is unreachable; count those sent."""
    sent = 0
    for _ in range(limit):
        outcome = deliver_next(uow_factory(), send, clock, retry)
        if outcome in (None, UNREACHABLE):
            break
        sent += outcome == "sent"
    return sent


def deliver_next(
    uow: NotificationsUnitOfWork, send: Send, clock: Clock, retry: RetryPolicy
) -> str | None:
    """Attempt the next due email; its outcome ("sent", "deferred", "failed", UNREACHABLE)."""
    with uow:
        notification = uow.notifications.claim_due(clock())
        if notification is None:
            return None
        outcome = _attempt(notification, send, clock, retry)
        uow.notifications.settle(notification)
        uow.commit()
    return outcome


def _attempt(notification: Notification, send: Send, clock: Clock, retry: RetryPolicy) -> str:
    facts = {"notification_id": notification.id, "kind": notification.kind}
    try:
        send(notification)
    except TemporaryDeliveryError as exc:
        notification.refused_for_now(exc.reply, clock(), retry)
        gave_up = notification.status == "failed"
        log.log(
            logging.ERROR if gave_up else logging.WARNING,
            "email given up" if gave_up else "email deferred",
            extra=facts | {"code": exc.code, "attempts": notification.attempts},
        )
        return UNREACHABLE if exc.code is None else "deferred"
    except PermanentDeliveryError as exc:
        notification.refused_for_good(exc.reply, clock())
        log.error("email refused", extra=facts | {"code": exc.code})
        return "failed"
    except Exception as exc:  # noqa: BLE001 - a bug building this email must not stop the others
        notification.refused_for_good(f"{type(exc).__name__}: {exc}", clock())
        log.exception("email could not be built", extra=facts)
        return "failed"
    notification.delivered(clock())
    log.info("email sent", extra=facts)
    return "sent"


def resend(notification_id: str, uow: NotificationsUnitOfWork, clock: Clock) -> Notification:
    """Queue a notification again: due now if still queued, else as a copy with a new id."""
    with uow:
        original = uow.notifications.get(notification_id)
        if original is None:
            raise NotFound(f"no notification {notification_id}")
        to = reached_at(uow, original.registration_id)
        again = original.resend(str(uuid.uuid4()), clock(), to)
        if again is not original:
            uow.notifications.add(again)
        uow.commit()
    return again


def reached_at(uow: NotificationsUnitOfWork, registration_id: str) -> tuple[str, str] | None:
    """(email, name) where a registrant is reached now, their address corrected or not;
    None for someone unknown here (exchange parties) or erased."""
    person = uow.readmodel.recipient(registration_id)
    if person is None or person.erased_at is not None:
        return None
    return person.email, person.name


def resend_failed(
    uow: NotificationsUnitOfWork, registration_id: str, source_id: str, now: datetime
) -> int:
    """Queue every failed email of a registration again (the last of each resend chain), to
    where its recipient is reached now, in their order; count them.

    Each copy's id comes from the source message and the original, so the same request
    applied twice queues each copy once.
    """
    mine = sorted(uow.notifications.of_registration(registration_id), key=_created)
    superseded = {notification.resend_of for notification in mine}
    to, count = reached_at(uow, registration_id), 0
    for notification in mine:
        if (
            notification.status != "failed"
            or notification.erased_at
            or notification.id in superseded
        ):
            continue
        copy_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{source_id}/{notification.id}"))
        # a microsecond apart: the senders take them in the order they were first written
        uow.notifications.add(notification.resend(copy_id, now + timedelta(microseconds=count), to))
        count += 1
    return count


def _created(notification: Notification) -> tuple[datetime, str]:
    return notification.created_at, notification.id
