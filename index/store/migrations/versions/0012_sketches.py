"""Near-duplicate signatures kept with the analysis: computed once at ingest, so that no index
build shingles every article again. None for the articles analysed before (the index computes
theirs from the sentences, as it did), so nothing needs re-analysing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add article_terms.sketch (none for what was analysed before)."""
    with op.batch_alter_table("article_terms") as batch:
        batch.add_column(sa.Column("sketch", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Drop article_terms.sketch."""
    with op.batch_alter_table("article_terms") as batch:
        batch.drop_column("sketch")
