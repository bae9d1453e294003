"""exchanges: ClusterXchange exchanges and their agenda items

Revision ID: b48485de9447
Revises: d13794e57543
Create Date: 2026-11-23 12:40:18.052694
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "b48485de9447"
down_revision = "d13794e57543"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchanges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("visitor_name", sa.String(length=200), nullable=False),
        sa.Column("visitor_email", sa.String(length=320), nullable=False),
        sa.Column("visitor_organisation", sa.String(length=200), nullable=False),
        sa.Column("visitor_cluster", sa.String(length=200), nullable=False),
        sa.Column("visitor_country", sa.String(length=2), nullable=False),
        sa.Column("visitor_sector", sa.String(length=100), nullable=False),
        sa.Column("visitor_sme", sa.Boolean(), nullable=False),
        sa.Column("host_name", sa.String(length=200), nullable=False),
        sa.Column("host_email", sa.String(length=320), nullable=False),
        sa.Column("host_organisation", sa.String(length=200), nullable=False),
        sa.Column("host_cluster", sa.String(length=200), nullable=False),
        sa.Column("host_country", sa.String(length=2), nullable=False),
        sa.Column("host_sector", sa.String(length=100), nullable=False),
        sa.Column("host_sme", sa.Boolean(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("visitor_token", sa.String(length=64), nullable=False),
        sa.Column("host_token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("active_visitor", sa.String(length=320), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "visitor_confirmed_at", shared.database.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("host_confirmed_at", shared.database.UtcDateTime(timezone=True), nullable=True),
        sa.Column("attended_days", sa.Integer(), nullable=True),
        sa.Column("attendance_note", sa.Text(), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=20), nullable=True),
        sa.Column("created_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_visitor"),
        sa.UniqueConstraint("host_token"),
        sa.UniqueConstraint("visitor_token"),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchanges_status"), ["status"], unique=False)

    op.create_table(
        "exchange_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exchange_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("start", shared.database.UtcDateTime(timezone=True), nullable=True),
        sa.Column("end", shared.database.UtcDateTime(timezone=True), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exchange_id"],
            ["exchanges.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exchange_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_items_exchange_id"), ["exchange_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exchange_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_items_exchange_id"))

    op.drop_table("exchange_items")
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchanges_status"))

    op.drop_table("exchanges")
