"""outbox: partial index on pending rows; inbox: index for retention

Revision ID: 5a1e0c7b2d13
Revises: 7a1d0e5c2b01
Create Date: 2026-12-01 21:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e0c7b2d13"
down_revision = "7a1d0e5c2b01"
branch_labels = None
depends_on = None

PENDING = sa.text("sent_at IS NULL AND failed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.create_index(
            "ix_outbox_pending", ["id"], postgresql_where=PENDING, sqlite_where=PENDING
        )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_processed_at", ["processed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_processed_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.create_index("ix_outbox_pending", ["sent_at", "failed_at", "id"], unique=False)
