"""organiser_sessions dropped: page sessions moved to the site's shared session store

The one organiser login of every service keeps its sessions in ORGANISER_SESSION_STORE_URL
(Redis or a dedicated sessions database), never in a service's own database.

Revision ID: e2f0a9c3b7d3
Revises: a77e0dace002
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "e2f0a9c3b7d3"
down_revision = "a77e0dace002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_organiser_sessions_credential_id"), table_name="organiser_sessions")
    op.drop_table("organiser_sessions")


def downgrade() -> None:
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
