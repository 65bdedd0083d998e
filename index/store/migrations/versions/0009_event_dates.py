"""Event dates: the dates each article mentions, read at ingest with its publication date
(`index.text.event_dates`), so that a question naming a month prefers the articles whose event
happened then. Articles analysed before this revision have none until they are reanalysed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add article_terms.event_dates (empty by default)."""
    with op.batch_alter_table("article_terms") as batch:
        batch.add_column(sa.Column("event_dates", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop article_terms.event_dates."""
    with op.batch_alter_table("article_terms") as batch:
        batch.drop_column("event_dates")
