"""verified registration: holds, verification links, partner claim codes, email notices

Revision ID: 3d9b1f0c7a21
Revises: 95c782ae314f
Create Date: 2026-12-01 22:30:00
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "3d9b1f0c7a21"
down_revision = "95c782ae314f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(
            sa.Column("verify_email", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("partner_quotas") as batch_op:
        batch_op.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_partner_quotas_code_hash", ["code_hash"])
    with op.batch_alter_table("registrations") as batch_op:
        at = shared.database.UtcDateTime(timezone=True)
        batch_op.add_column(sa.Column("verified_at", at, nullable=True))
        batch_op.add_column(sa.Column("verify_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("verify_expires_at", at, nullable=True))
        batch_op.create_unique_constraint("uq_registrations_verify_token", ["verify_token"])
        batch_op.create_index("ix_registrations_hold", ["verified_at", "verify_expires_at"])
    # registrations made before verification existed count as verified
    op.execute("UPDATE registrations SET verified_at = created_at")
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("sent_at", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notices_address", "notices", ["event_id", "address_key", "kind", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_notices_address", table_name="notices")
    op.drop_table("notices")
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_index("ix_registrations_hold")
        batch_op.drop_constraint("uq_registrations_verify_token", type_="unique")
        for column in ("verify_expires_at", "verify_token", "verified_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("partner_quotas") as batch_op:
        batch_op.drop_constraint("uq_partner_quotas_code_hash", type_="unique")
        batch_op.drop_column("code_hash")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("verify_email")
