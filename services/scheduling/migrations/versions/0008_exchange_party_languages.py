"""exchanges: the language of each party (host and visitor), for its emails and pages

Exchanges requested before this spoke English to both parties: they keep "en".

Revision ID: b8d1c4e6f209
Revises: e2f0a9c3b7d3
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b8d1c4e6f209"
down_revision = "e2f0a9c3b7d3"
branch_labels = None
depends_on = None

SIDES = ("visitor", "host")


def upgrade() -> None:
    for side in SIDES:
        op.add_column(
            "exchanges",
            sa.Column(f"{side}_language", sa.String(length=8), nullable=False, server_default="en"),
        )


def downgrade() -> None:
    for side in SIDES:
        op.drop_column("exchanges", f"{side}_language")
