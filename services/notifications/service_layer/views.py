"""Read-side queries of the delivery log: plain dicts for the API."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.notifications.adapters.orm import notifications
from services.notifications.domain.errors import NotFound
from services.notifications.domain.notification import Notification
from shared.pagination import Page, PageRequest, keyset, page_of


def notification_view(notification: Notification) -> dict[str, Any]:
    """One delivery-log entry (personal data: for organisers only)."""
    calendar = notification.calendar
    return {
        "id": notification.id,
        "kind": notification.kind,
        "status": notification.status,
        "attempts": notification.attempts,
        "last_error": notification.last_error,
        "recipient": {"email": notification.recipient_email, "name": notification.recipient_name},
        "registration_id": notification.registration_id,
        "event_id": notification.event_id,
        "source_message_id": notification.source_message_id,
        "resend_of": notification.resend_of,
        "calendar": None
        if calendar is None
        else {"method": calendar.method, "uid": calendar.uid, "sequence": calendar.sequence},
        "created_at": notification.created_at,
        "next_attempt_at": notification.next_attempt_at,
        "sent_at": notification.sent_at,
        "erased": notification.erased_at is not None,
    }


def list_notifications(
    session: Session, query: dict[str, Any], page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """Newest first, filtered by recipient email (any case), event and status."""
    page = page or PageRequest()
    statement = select(Notification)
    if query.get("recipient"):
        statement = statement.where(
            func.lower(notifications.c.recipient_email) == query["recipient"].lower()
        )
    if query.get("event_id"):
        statement = statement.where(notifications.c.event_id == query["event_id"])
    if query.get("status"):
        statement = statement.where(notifications.c.status == query["status"])
    columns = [notifications.c.created_at, notifications.c.id]
    found = session.scalars(keyset(statement, columns, page, descending=[True, False]))
    return page_of(found, attrgetter("created_at", "id"), page, notification_view)


DELIVERY_COLUMNS = [
    "id",
    "created_at",
    "kind",
    "status",
    "attempts",
    "recipient_email",
    "recipient_name",
    "event_id",
    "registration_id",
    "sent_at",
    "last_error",
]


def delivery_table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Delivery-log entries as a spreadsheet: header and one row per email."""
    table = []
    for row in rows:
        flat = {**row, **{f"recipient_{k}": v for k, v in row["recipient"].items()}}
        table.append([_cell(flat[column]) for column in DELIVERY_COLUMNS])
    return DELIVERY_COLUMNS, table


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def get_notification(session: Session, notification_id: str) -> dict[str, Any]:
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(f"no notification {notification_id}")
    return notification_view(notification)
