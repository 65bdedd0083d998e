"""Digest pages: the deliveries sent together as one digest share a digest id (the smallest of
their ids), so that its ◀ / ▶ buttons rebuild any page from the database, after a restart too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add news_deliveries.digest_id (none for what was sent before), indexed."""
    with op.batch_alter_table("news_deliveries") as batch:
        batch.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
    op.create_index("ix_news_deliveries_digest_id", "news_deliveries", ["digest_id"])


def downgrade() -> None:
    """Drop news_deliveries.digest_id."""
    op.drop_index("ix_news_deliveries_digest_id", "news_deliveries")
    with op.batch_alter_table("news_deliveries") as batch:
        batch.drop_column("digest_id")
