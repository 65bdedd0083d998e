"""Backups and restores: the database and the index generation that goes with it, together.

A backup copies the live index generation first (its files never change; the index's writer
lock is held meanwhile so no cleaner removes them), then the database (SQLite's online backup
API, or `pg_dump`), so the database is never older than the index: restored, the index catches
up by the change log. Everything is written into a hidden work folder renamed into place once
`backup.json` (written last, fsynced) describes it: a crash leaves no folder that looks whole.

A restore refuses a database or index folder that holds anything (it restores an empty
machine), and renames into place too: a SQLite file copied under a temporary name, a PostgreSQL
dump restored in one transaction, the index folder copied beside and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .archive import Archive
from .errors import DatabaseUnavailable, TinSoError
from .processes import process_alive
from .search.arrays import fsync_dir
from .search.generation import CURRENT, read_current
from .search.writer import IndexWriter
from .store.database import safe_url

__all__ = ["BackupError", "BackupReport", "backup", "restore"]

BACKUP_FILE = "backup.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
INDEX_FOLDER = "index"


class BackupError(TinSoError):
    """A backup cannot be written or restored (the message says why and what to do)."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup holds (also `backup.json`), or what a restore brought back."""

    created_at: str
    database: str  # "sqlite" or "postgresql"
    database_file: str
    index_generation: int | None
    data_version: str | None  # the change the index reflects
    bytes: int
    seconds: float = 0.0


def backup(archive: Archive, folder: Path) -> BackupReport:
    """Write a consistent snapshot of the archive's database and index into `folder` (new or
    empty)."""
    started = time.perf_counter()
    folder = folder.expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder}: not an empty folder; back up into a new one")
    _remove_abandoned(folder)
    work = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        generation, version = _copy_index(archive.engine.index_dir, work / INDEX_FOLDER)
        kind, name = _dump_database(archive.store.database_url, work)
        size = sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
        report = BackupReport(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            database=kind,
            database_file=name,
            index_generation=generation,
            data_version=version,
            bytes=size,
        )
        _write_durably(work / BACKUP_FILE, json.dumps(asdict(report), indent=2))
        fsync_dir(work)
        if folder.exists():
            folder.rmdir()
        os.replace(work, folder)
        fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupReport(**{**asdict(report), "seconds": time.perf_counter() - started})


def _remove_abandoned(folder: Path) -> None:
    """Work folders of backups whose process died (a crash, kill -9) are never a backup."""
    if not folder.parent.is_dir():
        return
    for work in folder.parent.glob(f".{folder.name}.partial-*"):
        pid = work.name.rpartition("-")[2]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(work, ignore_errors=True)


def _copy_index(index_dir: Path, target: Path) -> tuple[int | None, str | None]:
    """Copy the live generation's files (under the writer's lock: nothing is removed meanwhile)."""
    target.mkdir()
    if not (index_dir / CURRENT).exists():
        return None, None
    with IndexWriter(index_dir).lock():
        manifest = read_current(index_dir)
        if manifest is None:
            return None, None
        for name in (*manifest.segments, manifest.tables, manifest.name):
            source = index_dir / name
            if source.is_dir():
                shutil.copytree(source, target / name)
            else:
                shutil.copy2(source, target / name)
        _write_durably(target / CURRENT, manifest.name + "\n")
    return manifest.generation, manifest.data_version


def _libpq(url: str) -> str:
    """A SQLAlchemy PostgreSQL url as libpq tools read it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _dump_database(url: str, work: Path) -> tuple[str, str]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or database.startswith("file:"):
            raise BackupError("an in-memory SQLite database cannot be backed up")
        source = sqlite3.connect(Path(database).expanduser())
        target = sqlite3.connect(work / SQLITE_FILE)
        try:
            with target:
                source.backup(target)  # the online backup API: a consistent copy while in use
        finally:
            target.close()
            source.close()
        return "sqlite", SQLITE_FILE
    if parsed.get_backend_name() == "postgresql":
        _run_tool(["pg_dump", "--format=custom", f"--file={work / POSTGRES_FILE}", _libpq(url)])
        return "postgresql", POSTGRES_FILE
    raise BackupError(f"cannot back up {parsed.get_backend_name()} databases")


def _run_tool(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client tools") from exc
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise BackupError(f"{command[0]} failed: {lines[-1] if lines else done.returncode}")


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def restore(folder: Path, database_url: str, index_dir: Path) -> BackupReport:
    """Bring a backup back into an empty database and an empty (or missing) index folder."""
    started = time.perf_counter()
    folder = folder.expanduser().resolve()
    try:
        described = json.loads((folder / BACKUP_FILE).read_text(encoding="utf-8"))
        report = BackupReport(**{**described, "seconds": 0.0})
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{folder}: not a complete backup (no readable {BACKUP_FILE})") from exc
    if index_dir.exists() and any(
        p.name not in ("LOCK", "BUILD", "MERGE") for p in index_dir.iterdir()
    ):
        raise BackupError(f"{index_dir}: the index folder is not empty; restore into a new one")
    kind = make_url(database_url).get_backend_name()
    if kind != report.database:
        raise BackupError(
            f"the backup holds a {report.database} database, DATABASE_URL is {kind}: "
            f"restore into a {report.database} database"
        )
    if kind == "sqlite":
        _restore_sqlite(folder / report.database_file, database_url)
    else:
        _restore_postgres(folder / report.database_file, database_url)
    _restore_index(folder / INDEX_FOLDER, index_dir)
    return BackupReport(**{**asdict(report), "seconds": time.perf_counter() - started})


def _restore_sqlite(dump: Path, url: str) -> None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("restore into a SQLite file, not an in-memory database")
    path = Path(database).expanduser()
    if path.exists() and path.stat().st_size > 0:
        raise BackupError(f"{path}: the database exists; restore into a new file")
    path.parent.mkdir(parents=True, exist_ok=True)
    work = path.with_name(f".{path.name}.partial-{os.getpid()}")
    shutil.copyfile(dump, work)
    with open(work, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(work, path)
    fsync_dir(path.parent)


def _restore_postgres(dump: Path, url: str) -> None:
    try:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                tables = inspect(connection).get_table_names()
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"cannot open database {safe_url(url)}: {exc}") from exc
    if tables:
        raise BackupError(
            f"{safe_url(url)} holds tables already; restore into an empty database "
            "(createdb a new one)"
        )
    _run_tool(
        ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={_libpq(url)}", str(dump)]
    )  # fmt: skip


def _restore_index(source: Path, index_dir: Path) -> None:
    index_dir = index_dir.expanduser().resolve()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    work = index_dir.with_name(f".{index_dir.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)
    fsync_dir(work)
    if index_dir.exists():
        shutil.rmtree(index_dir)  # only lock files were in it
    os.replace(work, index_dir)
    fsync_dir(index_dir.parent)
