"""feeds: public event feed bodies rendered by the worker, served without a render

Revision ID: f5b0d1e2c3a4
Revises: b8d1c4e6f209
Create Date: 2026-12-02 05:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import shared.database

revision = "f5b0d1e2c3a4"
down_revision = "b8d1c4e6f209"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_bodies",
        sa.Column("kind", sa.String(length=16), primary_key=True),
        sa.Column("key", sa.String(length=200), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=300), nullable=False),
        sa.Column("last_modified", shared.database.UtcDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feed_bodies")
