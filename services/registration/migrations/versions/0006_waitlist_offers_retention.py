"""waiting-list offers and retention: offer columns, offered seats, retention dates

Revision ID: 0ffe4a11c0de
Revises: 3d9b1f0c7a21
Create Date: 2026-12-02 01:00:00
"""

import os
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "0ffe4a11c0de"
down_revision = "3d9b1f0c7a21"
branch_labels = None
depends_on = None
ACTIVE_EMAIL = "uq_registrations_active_email"


def _active_email_index(statuses: str) -> None:
    """One active registration per email and event; an open offer is active too."""
    active = sa.text(f"status IN ({statuses})")
    op.create_index(
        ACTIVE_EMAIL,
        "registrations",
        ["event_id", sa.text("lower(email)")],
        unique=True,
        postgresql_where=active,
        sqlite_where=active,
    )


def upgrade() -> None:
    # plain ADD COLUMN, never a batch copy: SQLite's copy would drop the expression index
    zero = sa.text("0")
    op.add_column(
        "events",
        sa.Column("waitlist_offer_hours", sa.Integer(), nullable=False, server_default=zero),
    )
    op.add_column(
        "events", sa.Column("offered_count", sa.Integer(), nullable=False, server_default=zero)
    )
    at = shared.database.UtcDateTime(timezone=True)
    op.add_column("events", sa.Column("retention_until", at, nullable=True))
    op.add_column("events", sa.Column("purged_at", at, nullable=True))
    op.add_column("registrations", sa.Column("offer_token", sa.String(length=64), nullable=True))
    op.add_column("registrations", sa.Column("offer_expires_at", at, nullable=True))
    op.add_column("registrations", sa.Column("offer_state", sa.String(length=10), nullable=True))
    op.create_index("uq_registrations_offer_token", "registrations", ["offer_token"], unique=True)
    op.create_index("ix_registrations_offer", "registrations", ["status", "offer_expires_at"])
    op.drop_index(ACTIVE_EMAIL, table_name="registrations")
    _active_email_index("'confirmed', 'waitlisted', 'offered', 'pending'")
    _default_retention(at)


def _default_retention(at: sa.types.TypeEngine) -> None:
    """Events made before retention existed keep their data until their end + RETENTION_DAYS."""
    keep = timedelta(days=int(os.environ.get("RETENTION_DAYS", "365")))
    events = sa.table(
        "events",
        sa.column("id", sa.String()),
        sa.column("end", at),
        sa.column("retention_until", at),
    )
    bind = op.get_bind()
    for event_id, end in bind.execute(sa.select(events.c.id, events.c.end)).all():
        change = sa.update(events).where(events.c.id == event_id)
        bind.execute(change.values(retention_until=end + keep))


def downgrade() -> None:
    op.drop_index(ACTIVE_EMAIL, table_name="registrations")
    _active_email_index("'confirmed', 'waitlisted', 'pending'")
    op.drop_index("ix_registrations_offer", table_name="registrations")
    op.drop_index("uq_registrations_offer_token", table_name="registrations")
    for column in ("offer_state", "offer_expires_at", "offer_token"):
        op.drop_column("registrations", column)
    for column in ("purged_at", "retention_until", "offered_count", "waitlist_offer_hours"):
        op.drop_column("events", column)
