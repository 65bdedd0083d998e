"""Closing the loop with the staff: answers and their feedback (👍/👎, "which article was
right"), dictionary lines added by admins, and the attachments of articles.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create answers, dictionary_lines and attachments; a chat's state names its answer."""
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("chat_key", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.Column("vote", sa.SmallInteger(), nullable=True),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("judged", sa.Integer(), nullable=True),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_answers_asked_at", "answers", ["asked_at"])
    op.create_index("ix_answers_chat_key", "answers", ["chat_key"])
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("answer_id", sa.Integer(), nullable=True))
    op.create_table(
        "dictionary_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("section", sa.String(20), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("size", sa.String(40), nullable=True),
    )
    op.create_index("ix_attachments_article_id", "attachments", ["article_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_attachments_article_id", "attachments")
    op.drop_table("attachments")
    op.drop_table("dictionary_lines")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("answer_id")
    op.drop_index("ix_answers_chat_key", "answers")
    op.drop_index("ix_answers_asked_at", "answers")
    op.drop_table("answers")
