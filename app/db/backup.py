"""Backups of the database and their restore, for `parade db backup` and `parade db restore`.

SQLite uses its online backup API, so a copy taken while the server runs is consistent (a
plain file copy of a database in WAL mode may not be). PostgreSQL uses its own tools,
`pg_dump --format=custom` and `pg_restore`, which must be on PATH at the server's version.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from app.db.database import make_engine
from app.errors import DomainError


class BackupFailed(DomainError):
    """A backup or restore could not be made; the message says why in plain words."""


def _sqlite_path(url: str) -> Path | None:
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite":
        return None
    if not sa_url.database or sa_url.database == ":memory:":
        raise BackupFailed("an in-memory SQLite database has nothing to back up")
    return Path(sa_url.database)


def _libpq(url: str) -> str:
    """Return `url` as PostgreSQL's own tools read it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupFailed(f"{tool} is not installed: install PostgreSQL's client tools")
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{tool} failed: {done.stderr.strip() or done.returncode}")


def has_schema(url: str) -> bool:
    """True when the database already holds Parade's tables (a restore would replace them)."""
    engine = make_engine(url)
    try:
        return inspect(engine).has_table("alembic_version")
    finally:
        engine.dispose()


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to the file `target`."""
    if target.exists():
        raise BackupFailed(f"{target} exists already: choose a new file name")
    path = _sqlite_path(url)
    if path is None:
        _run("pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url))
        return
    if not path.exists():
        raise BackupFailed(f"the database file {path} does not exist")
    with (
        closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as live,
        closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup in `source` (made by `backup`)."""
    if not source.is_file():
        raise BackupFailed(f"{source} is not a file")
    path = _sqlite_path(url)
    if path is None:
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq(url)}",
            str(source),
        )
        return
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as saved:
            saved.execute("SELECT count(*) FROM alembic_version").fetchone()
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(path)) as live:
                saved.backup(live)  # page by page, under the database's write lock
    except sqlite3.DatabaseError as e:
        raise BackupFailed(f"{source} is not a Parade SQLite backup ({e})") from None
