"""Upgrading: the schema's Alembic migrations, then the index rebuilt only if its format (or
the analyzer) changed; everything else about it is kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from .archive import Archive
from .errors import DatabaseUnavailable
from .search.arrays import FORMAT_VERSION, CorruptIndex
from .search.generation import read_current
from .store.database import current_revision, head_revision, safe_url

__all__ = ["UpgradeReport", "upgrade"]


@dataclass(frozen=True)
class UpgradeReport:
    """What an upgrade did."""

    schema_before: str | None  # None: a new database
    schema_after: str
    index_format: int
    index_rebuilt: bool
    index_generation: int


def upgrade(database_url: str, index_dir: Path, dictionary: Path | None = None) -> UpgradeReport:
    """Apply the migrations the database lacks; reopen the index, rebuilding it only when it
    cannot be read as it is (another format or analyzer, damage)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            before = current_revision(connection)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot open database {safe_url(database_url)}: {exc}") from exc
    finally:
        engine.dispose()
    try:
        old = read_current(index_dir)
    except CorruptIndex:
        old = None
    archive = Archive.open(database_url, dictionary=dictionary, index_dir=index_dir)
    try:
        manifest = archive.engine.snapshot.generation.manifest
        kept = old is not None and bool(set(old.segments) & set(manifest.segments))
        return UpgradeReport(
            schema_before=before,
            schema_after=head_revision(),
            index_format=FORMAT_VERSION,
            index_rebuilt=not kept and archive.engine.snapshot.size > 0,
            index_generation=manifest.generation,
        )
    finally:
        archive.close()
