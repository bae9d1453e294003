"""visits.capacity: a visit's seats, for the participant list a host receives

Nullable: visits stored before this revision learn their capacity from the next visit.*
message about them (every message carries the whole visit).

Revision ID: b4c1d2e3f5a6
Revises: e1f0a9c3b7d2
Create Date: 2026-12-10 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b4c1d2e3f5a6"
down_revision = "e1f0a9c3b7d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("visits", sa.Column("capacity", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("visits", "capacity")
