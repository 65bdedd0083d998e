"""Questions asked, for the daily count in /stats (no user ids are kept).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the questions table."""
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
    )
    op.create_index("ix_questions_asked_at", "questions", ["asked_at"])


def downgrade() -> None:
    """Drop the questions table."""
    op.drop_index("ix_questions_asked_at", "questions")
    op.drop_table("questions")
