"""Conversations: where each chat stands (its last question and list), questions handed over
from inline mode, and the chat of each logged question as a keyed hash (for /xoadulieu).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create conversations and handovers; add questions.chat_key."""
    op.create_table(
        "conversations",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("chat_key", sa.String(64), primary_key=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("list_kind", sa.String(20), nullable=False),
        sa.Column("list_query", sa.Text(), nullable=False),
        sa.Column("time_label", sa.String(100), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("category", sa.String(300), nullable=True),
        sa.Column("list_offset", sa.Integer(), nullable=False),
        sa.Column("list_total", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.Column("answer_article_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    op.create_table(
        "handovers",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_handovers_created_at", "handovers", ["created_at"])
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("chat_key", sa.String(64), nullable=True))
        batch.create_index("ix_questions_chat_key", ["chat_key"])


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("questions") as batch:
        batch.drop_index("ix_questions_chat_key")
        batch.drop_column("chat_key")
    op.drop_index("ix_handovers_created_at", "handovers")
    op.drop_table("handovers")
    op.drop_index("ix_conversations_updated_at", "conversations")
    op.drop_table("conversations")
