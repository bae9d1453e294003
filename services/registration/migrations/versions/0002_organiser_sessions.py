"""organiser_sessions: server-side organiser page sessions (logout and expiry end them)

Revision ID: f8df736af05a
Revises: 95c782ae314f
Create Date: 2026-12-01 21:40:00
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "f8df736af05a"
down_revision = "95c782ae314f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organiser_sessions",
        sa.Column("nonce_sha256", sa.String(length=64), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce_sha256"),
    )
    op.create_index(
        op.f("ix_organiser_sessions_credential_id"),
        "organiser_sessions",
        ["credential_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_organiser_sessions_credential_id"), table_name="organiser_sessions")
    op.drop_table("organiser_sessions")
