"""Crawl errors as codes: a run's last error and a page's reason become (url, code, detail) instead
of an English sentence; a run counts `added` articles, as an ingest does.

Older rows keep their text as the detail of the code "unknown".

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Split the error texts into columns, rename `new` to `added`."""
    with op.batch_alter_table("crawl_runs") as batch:
        batch.alter_column("new", new_column_name="added")
        batch.add_column(sa.Column("error_url", sa.String(2000), nullable=True))
        batch.add_column(sa.Column("error_code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("error_detail", sa.Text(), nullable=True))
    op.execute(
        "UPDATE crawl_runs SET error_code = 'unknown', error_detail = last_error, "
        "error_url = '' WHERE last_error IS NOT NULL"
    )
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("last_error")
    with op.batch_alter_table("crawl_pages") as batch:
        batch.add_column(sa.Column("error_code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("error_detail", sa.Text(), nullable=True))
    op.execute(
        "UPDATE crawl_pages SET error_code = 'unknown', error_detail = last_error "
        "WHERE last_error IS NOT NULL"
    )
    with op.batch_alter_table("crawl_pages") as batch:
        batch.drop_column("last_error")


def downgrade() -> None:
    """Back to error texts (code and detail joined) and the `new` column."""
    with op.batch_alter_table("crawl_pages") as batch:
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.execute("UPDATE crawl_pages SET last_error = error_detail WHERE error_code IS NOT NULL")
    with op.batch_alter_table("crawl_pages") as batch:
        batch.drop_column("error_detail")
        batch.drop_column("error_code")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.execute(
        "UPDATE crawl_runs SET last_error = error_url || ': ' || error_detail "
        "WHERE error_code IS NOT NULL"
    )
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("error_detail")
        batch.drop_column("error_code")
        batch.drop_column("error_url")
        batch.alter_column("added", new_column_name="new")
