"""Opening the database: url checks, SQLite pragmas, schema migrations with Alembic."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from ..errors import DatabaseUnavailable
from .models import Meta

__all__ = [
    "current_revision",
    "head_revision",
    "open_database",
    "write_session",
    "get_meta",
    "set_meta",
    "safe_url",
]

_MIGRATIONS = Path(__file__).with_name("migrations")
_WRITE = "tin_so_bot_write"  # execution option: this transaction will write


def open_database(url: str) -> sessionmaker[Session]:
    """Connect, create or upgrade the schema, and return a session factory.

    Raises DatabaseUnavailable with a one-line reason when the url is malformed or the server
    cannot be reached.
    """
    engine = _create_engine(url)
    try:
        with engine.begin() as connection:
            if current_revision(connection) != head_revision():
                _upgrade(connection)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open database {safe_url(url)}: {reason}") from exc
    return sessionmaker(engine, expire_on_commit=False)


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"malformed DATABASE_URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser()
            if not path.parent.is_dir():
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseUnavailable(f"cannot create {path.parent}: {exc}") from exc
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, SQLAlchemyError, ImportError) as exc:
        raise DatabaseUnavailable(f"unsupported DATABASE_URL {safe_url(url)}: {exc}") from exc


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # pysqlite's own transaction handling starts transactions late and lets SAVEPOINT release
    # commit; take it over (the recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers keep reading while an ingest writes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once ("database is locked",
    # SQLITE_BUSY_SNAPSHOT) when another connection committed in between; waiting cannot help.
    # Writers therefore take the write lock up front, waiting for it within the busy timeout.
    # Readers stay deferred: in WAL mode they never wait for a writer.
    writes = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@contextmanager
def write_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that writes (committed at the end, rolled back on an exception).

    On SQLite it holds the write lock from its start, so concurrent writers (the bot counting
    questions while an ingest or a reindex runs) queue instead of failing.
    """
    with sessions.begin() as session:
        session.connection(execution_options={_WRITE: True})
        yield session


def current_revision(connection: Connection) -> str | None:
    """The schema's revision, read without Alembic (which takes a fifth of a second to import)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@functools.cache
def head_revision() -> str:
    """The newest migration: the revision no other migration revises."""
    revisions: dict[str, str | None] = {}
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is not None:
            down = _DOWN_REVISION.search(source)
            revisions[found[1]] = down[1] if down else None
    (head,) = set(revisions) - set(revisions.values())
    return head


_REVISION = re.compile(r"""^revision: str = ["'](\w+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision: str \| None = ["'](\w+)["']""", re.MULTILINE)


def _upgrade(connection: Connection) -> None:
    """Apply the migrations the schema lacks (Alembic, imported only when one is needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<malformed url>"


def get_meta(session: Session, key: str) -> str | None:
    """Read one value from the meta table."""
    return session.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(session: Session, key: str, value: str) -> None:
    """Write one value to the meta table."""
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
