"""The outbox and inbox tables every service adds to its own database."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from shared.database import UtcDateTime


def outbox_table(metadata: MetaData) -> Table:
    """Messages waiting to be published, written in the same transaction as the state change."""
    table = Table(
        "outbox",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("message_id", String(36), nullable=False, unique=True),
        Column("message_type", String(100), nullable=False),
        Column("exchange", String(200), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("sent_at", UtcDateTime, nullable=True),
        Column("failed_at", UtcDateTime, nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
    )
    Index("ix_outbox_pending", table.c.sent_at, table.c.failed_at, table.c.id)
    return table


def inbox_table(metadata: MetaData) -> Table:
    """Message ids already handled, per handler group, to make consumers idempotent."""
    return Table(
        "inbox",
        metadata,
        Column("message_id", String(36), primary_key=True),
        Column("handler", String(100), primary_key=True),
        Column("message_type", String(100), nullable=False),
        Column("processed_at", UtcDateTime, nullable=False),
    )


def organiser_sessions_table(metadata: MetaData) -> Table:
    """Organiser page sessions: what logout and expiry must kill, so a replayed cookie fails.

    Keyed by the SHA-256 of the session nonce, so the table alone opens no session.
    """
    return Table(
        "organiser_sessions",
        metadata,
        Column("nonce_sha256", String(64), primary_key=True),
        Column("credential_id", String(64), nullable=False, index=True),
        Column("created_at", UtcDateTime, nullable=False),
        Column("expires_at", UtcDateTime, nullable=False),
    )
