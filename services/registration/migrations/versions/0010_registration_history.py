"""registration_history: what organisers changed about a registration (address corrections)

Revision ID: b4e1c0aa5e09
Revises: b4c1d2e3f5a6
Create Date: 2026-12-02 05:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "b4e1c0aa5e09"
down_revision = "b4c1d2e3f5a6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registration_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.String(length=64), nullable=True),
        sa.Column("by_name", sa.String(length=200), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_registration_history_registration",
        "registration_history",
        ["registration_id", "at"],
    )


def downgrade() -> None:
    op.drop_index("ix_registration_history_registration", table_name="registration_history")
    op.drop_table("registration_history")
