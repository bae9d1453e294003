"""Imperative mapping of the notifications domain onto its own database."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import registry

from services.notifications.adapters.zoned_json import CalendarJson, ZonedJson
from services.notifications.domain.notification import Notification
from services.notifications.domain.readmodel import (
    CalendarEntry,
    EventSnapshot,
    Recipient,
    VisitSnapshot,
)
from services.notifications.domain.reminders import Reminder
from shared.database import UtcDateTime
from shared.idempotency import idempotency_table
from shared.persistence import inbox_table, outbox_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source_message_id", String(36), nullable=False),
    Column("registration_id", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("event_id", String(64), nullable=True),
    Column("recipient_email", String(320), nullable=False),
    Column("recipient_name", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("context", ZonedJson, nullable=False),
    Column("calendar", CalendarJson, nullable=True),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("resend_of", String(36), nullable=True),
    Column("erased_at", UtcDateTime, nullable=True),
    UniqueConstraint("source_message_id", "registration_id", "kind", name="uq_notifications_once"),
)
Index("ix_notifications_due", notifications.c.status, notifications.c.next_attempt_at)
Index("ix_notifications_registration", notifications.c.registration_id)
Index("ix_notifications_event", notifications.c.event_id)

recipients = Table(
    "recipients",
    metadata,
    Column("registration_id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("language", String(8), nullable=False),
    Column("manage_url", Text, nullable=False),
    Column("feed_url", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("erased_at", UtcDateTime, nullable=True),
)


def _happening_columns() -> list[Column]:
    return [
        Column("title", String(200), nullable=False),
        Column("description", Text, nullable=True),
        Column("location", Text, nullable=False),
        Column("timezone", String(64), nullable=False),
        Column("start", UtcDateTime, nullable=False),
        Column("end", UtcDateTime, nullable=False),
        Column("status", String(20), nullable=False),
        Column("sequence", Integer, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    ]


events = Table(
    "events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    *_happening_columns(),
    Column("cancel_reason", Text, nullable=True),
)

visits = Table(
    "visits",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False),
    *_happening_columns(),
)

calendar_entries = Table(
    "calendar_entries",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("uid", String(100), primary_key=True),
    Column("sequence", Integer, nullable=False),
    Column("method", String(10), nullable=False),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("registration_id", String(64), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("lead_seconds", Integer, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("fired_at", UtcDateTime, nullable=True),
)
Index("ix_reminders_due", reminders.c.status, reminders.c.due_at)
Index("ix_reminders_target", reminders.c.kind, reminders.c.target_id)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process (idempotent)."""
    global _mapped
    if _mapped:
        return
    for cls, table in (
        (Notification, notifications),
        (Recipient, recipients),
        (EventSnapshot, events),
        (VisitSnapshot, visits),
        (CalendarEntry, calendar_entries),
        (Reminder, reminders),
    ):
        mapper_registry.map_imperatively(cls, table)
    _mapped = True
