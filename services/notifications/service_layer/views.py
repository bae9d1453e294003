"""Read-side queries of the delivery log: plain dicts for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.notifications.adapters.orm import notifications, recipients
from services.notifications.domain.errors import NotFound
from services.notifications.domain.notification import Notification
from services.notifications.domain.readmodel import Recipient
from shared.pagination import Page, PageRequest, keyset, page_of


def notification_view(notification: Notification, current: str | None = None) -> dict[str, Any]:
    """One delivery-log entry (personal data: for organisers only); ``current`` is the
    recipient's address now, which a resend uses if it was corrected since."""
    calendar = notification.calendar
    erased = notification.erased_at is not None
    return {
        "id": notification.id,
        "kind": notification.kind,
        "status": notification.status,
        "attempts": notification.attempts,
        "last_error": notification.last_error,
        "recipient": {"email": notification.recipient_email, "name": notification.recipient_name},
        "resend_to": None if erased else current or notification.recipient_email,
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
        "erased": erased,
    }


def list_notifications(
    session: Session, query: dict[str, Any], page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """Newest first, filtered by recipient email (any case), event and status."""
    page = page or PageRequest()
    known = recipients.c.registration_id == notifications.c.registration_id
    statement = select(Notification, recipients.c.email).outerjoin(recipients, known)
    if query.get("recipient"):
        statement = statement.where(
            func.lower(notifications.c.recipient_email) == query["recipient"].lower()
        )
    if query.get("event_id"):
        statement = statement.where(notifications.c.event_id == query["event_id"])
    if query.get("status"):
        statement = statement.where(notifications.c.status == query["status"])
    columns = [notifications.c.created_at, notifications.c.id]
    found = session.execute(keyset(statement, columns, page, descending=[True, False]))
    return page_of(found, _log_key, page, _log_row)


def _log_key(row: Any) -> tuple[datetime, str]:
    return row[0].created_at, row[0].id


def _log_row(row: Any) -> dict[str, Any]:
    return notification_view(*row)


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
    person = session.get(Recipient, notification.registration_id)
    return notification_view(notification, None if person is None else person.email)
