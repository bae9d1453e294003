"""attendance: check-in codes, check-ins per event day and per visit, certificates issued

Revision ID: a77e0dace001
Revises: 0ffe4a11c0de
Create Date: 2026-12-02 01:00:00
"""

import base64
import hashlib

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "a77e0dace001"
down_revision = "0ffe4a11c0de"
branch_labels = None
depends_on = None


def _code(manage_token: str) -> str:
    """attendance.domain.codes.checkin_code as of this revision (migrations stay frozen)."""
    digest = hashlib.sha256(b"check-in:" + manage_token.encode()).digest()
    return base64.b32encode(digest).decode()[:10]


def upgrade() -> None:
    # plain ADD COLUMN, never a batch copy (see 3d9b1f0c7a21)
    op.add_column("registrations", sa.Column("checkin_code", sa.String(length=16), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, manage_token FROM registrations")).all()
    for row in rows:
        connection.execute(
            sa.text("UPDATE registrations SET checkin_code = :code WHERE id = :id"),
            {"code": _code(row.manage_token), "id": row.id},
        )
    op.create_index("uq_registrations_checkin_code", "registrations", ["checkin_code"], unique=True)
    at = shared.database.UtcDateTime(timezone=True)
    op.create_table(
        "attendance",
        sa.Column("registration_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recorded_at", at, nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("registration_id", "day", name="pk_attendance"),
    )
    op.create_index("ix_attendance_event_day", "attendance", ["event_id", "day"])
    op.create_table(
        "certificates",
        sa.Column("registration_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("issued_at", at, nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("registration_id"),
    )
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("host_organisation", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("start", at, nullable=False),
        sa.Column("end", at, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("visit_id"),
    )
    op.create_index("ix_visits_event_id", "visits", ["event_id"])
    op.create_table(
        "visit_bookings",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("visit_id", "registration_id"),
    )
    op.create_table(
        "visit_attendance",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", at, nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("visit_id", "registration_id", name="pk_visit_attendance"),
    )


def downgrade() -> None:
    for table in ("visit_attendance", "visit_bookings", "visits"):
        op.drop_table(table)
    op.drop_table("certificates")
    op.drop_table("attendance")
    op.drop_index("uq_registrations_checkin_code", table_name="registrations")
    op.drop_column("registrations", "checkin_code")
