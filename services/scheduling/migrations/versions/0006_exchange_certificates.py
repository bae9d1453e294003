"""exchanges: the token that downloads a completed exchange's certificate

Revision ID: a77e0dace002
Revises: 7c3a2e9d4f35
Create Date: 2026-12-02 01:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "a77e0dace002"
down_revision = "7c3a2e9d4f35"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("exchanges", sa.Column("certificate_token", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_exchanges_certificate_token", "exchanges", ["certificate_token"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_exchanges_certificate_token", table_name="exchanges")
    op.drop_column("exchanges", "certificate_token")
