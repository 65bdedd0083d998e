"""Deliveries: the message ids a channel has answered (Zalo's updates have no sequence number),
so that a redelivered update is not answered twice, across restarts too.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create deliveries."""
    op.create_table(
        "deliveries",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_deliveries_seen_at", "deliveries", ["seen_at"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_deliveries_seen_at", "deliveries")
    op.drop_table("deliveries")
