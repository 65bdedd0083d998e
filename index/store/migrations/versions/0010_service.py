"""Running as a service: the change log readers follow, leases (one poller, one crawl of a
source at a time), throttle buckets shared by replicas, and alert states (admins told once).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the change log (its counter starting at 0), leases, throttle buckets, alerts."""
    head = op.create_table(
        "change_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0}])
    op.create_table(
        "article_changes",
        sa.Column("seq", sa.BigInteger(), primary_key=True),
        sa.Column("article_id", sa.BigInteger(), primary_key=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_article_changes_changed_at", "article_changes", ["changed_at"])
    op.create_table(
        "leases",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "throttle_buckets",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("stamp", sa.Float(), nullable=False),
    )
    op.create_index("ix_throttle_buckets_stamp", "throttle_buckets", ["stamp"])
    op.create_table(
        "alerts",
        sa.Column("name", sa.String(300), primary_key=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("alerts")
    op.drop_index("ix_throttle_buckets_stamp", "throttle_buckets")
    op.drop_table("throttle_buckets")
    op.drop_table("leases")
    op.drop_index("ix_article_changes_changed_at", "article_changes")
    op.drop_table("article_changes")
    op.drop_table("change_head")
