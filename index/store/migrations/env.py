"""Alembic environment: migrations run on the connection `index.store.database` hands over.

From the command line (`alembic -c alembic.ini upgrade head`) the url comes from alembic.ini or
`-x url=...`.
"""

from alembic import context
from sqlalchemy import Connection, create_engine

import index.store.changes  # noqa: F401 - these two define tables beside their code
import index.store.coordination  # noqa: F401
from index.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the caller's connection, or on one opened from the configured url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if url is None:
        raise RuntimeError("no database url: pass -x url=... or set sqlalchemy.url")
    with create_engine(url).connect() as connection:
        _run(connection)
        connection.commit()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
