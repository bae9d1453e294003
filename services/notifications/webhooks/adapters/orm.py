"""Imperative mapping of endpoints and deliveries onto the notifications database."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.notifications.adapters.orm import mapper_registry, metadata
from services.notifications.webhooks.domain.model import Endpoint, WebhookDelivery
from shared.database import UtcDateTime

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("url", Text, nullable=False),
    Column("message_types", JSON, nullable=False),
    Column("secret", String(200), nullable=False),
    Column("description", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("disabled_reason", Text, nullable=True),
    Column("consecutive_failures", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=True),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("endpoint_id", String(36), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("retry_until", UtcDateTime, nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
    UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_once"),
)
Index(
    "ix_webhook_deliveries_due", webhook_deliveries.c.status, webhook_deliveries.c.next_attempt_at
)
Index(
    "ix_webhook_deliveries_log", webhook_deliveries.c.endpoint_id, webhook_deliveries.c.created_at
)

_mapped = False


def start_mappers() -> None:
    """Map the webhook classes once per process (idempotent)."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Endpoint, webhook_endpoints)
    mapper_registry.map_imperatively(WebhookDelivery, webhook_deliveries)
    _mapped = True
