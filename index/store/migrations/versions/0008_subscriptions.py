"""Subscriptions: topics and categories chats follow, the news outbox written with the articles,
and the delivery log that makes sending idempotent.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create subscriptions, subscribers, news_outbox, news_deliveries and announcements."""
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("category", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "chat_id", "query", "category"),
    )
    op.create_table(
        "subscribers",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("chat_id", sa.String(64), primary_key=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("digest_at", sa.String(5), nullable=False),
        sa.Column("quiet_hours", sa.Boolean(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "news_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_news_outbox_created_at", "news_outbox", ["created_at"])
    op.create_index("ix_news_outbox_done_at", "news_outbox", ["done_at"])
    op.create_table(
        "news_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("news_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.UniqueConstraint("channel", "chat_id", "article_id"),
    )
    op.create_index("ix_news_deliveries_status", "news_deliveries", ["status"])
    op.create_index("ix_news_deliveries_created_at", "news_deliveries", ["created_at"])
    op.create_index("ix_news_deliveries_due_at", "news_deliveries", ["due_at"])
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("announcements")
    for name in ("status", "created_at", "due_at"):
        op.drop_index(f"ix_news_deliveries_{name}", "news_deliveries")
    op.drop_table("news_deliveries")
    op.drop_index("ix_news_outbox_done_at", "news_outbox")
    op.drop_index("ix_news_outbox_created_at", "news_outbox")
    op.drop_table("news_outbox")
    op.drop_table("subscribers")
    op.drop_table("subscriptions")
