"""verified registration: holds, verification links, partner claim codes, email notices

Revision ID: 3d9b1f0c7a21
Revises: 5a1e0c7b2d13
Create Date: 2026-12-01 22:30:00
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "3d9b1f0c7a21"
down_revision = "5a1e0c7b2d13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN, never a batch copy: SQLite's copy would drop the expression index
    # that keeps one active registration per email
    op.add_column(
        "events", sa.Column("verify_email", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("partner_quotas", sa.Column("code_hash", sa.String(length=64), nullable=True))
    op.create_index("uq_partner_quotas_code_hash", "partner_quotas", ["code_hash"], unique=True)
    at = shared.database.UtcDateTime(timezone=True)
    op.add_column("registrations", sa.Column("verified_at", at, nullable=True))
    op.add_column("registrations", sa.Column("verify_token", sa.String(length=64), nullable=True))
    op.add_column("registrations", sa.Column("verify_expires_at", at, nullable=True))
    op.create_index("uq_registrations_verify_token", "registrations", ["verify_token"], unique=True)
    op.create_index("ix_registrations_hold", "registrations", ["verified_at", "verify_expires_at"])
    # registrations made before verification existed count as verified
    op.execute("UPDATE registrations SET verified_at = created_at")
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("sent_at", at, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notices_address", "notices", ["event_id", "address_key", "kind", "sent_at"])


def downgrade() -> None:
    op.drop_table("notices")
    op.drop_index("ix_registrations_hold", table_name="registrations")
    op.drop_index("uq_registrations_verify_token", table_name="registrations")
    for column in ("verify_expires_at", "verify_token", "verified_at"):
        op.drop_column("registrations", column)
    op.drop_index("uq_partner_quotas_code_hash", table_name="partner_quotas")
    op.drop_column("partner_quotas", "code_hash")
    op.drop_column("events", "verify_email")
