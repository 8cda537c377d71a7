"""The database: an engine and session factories built from settings.

SQLite is tuned for several worker processes sharing one file: WAL (readers never block the
writer), foreign keys on, a busy timeout, and write transactions that take the write lock up
front with ``BEGIN IMMEDIATE`` so two writers never deadlock halfway through a transaction.
Reads keep a plain deferred ``BEGIN``: they never wait for a writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DomainError

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "parade_write"


class StorageUnavailable(DomainError):
    """The database can't keep what is written (its file is gone, read-only or full, or the
    server is down). Nothing was saved; the person may try again later."""

    status = 503

    def __init__(self, detail: str = "") -> None:
        super().__init__(STORAGE_DOWN)
        self.detail = detail


STORAGE_DOWN = (
    "Parade can't save anything right now: nothing you sent was saved. "
    "Please try again in a few minutes."
)  # execution option: this connection's transactions will write


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Return an engine for `url`, with the SQLite tuning described above when it is SQLite."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite":
        return create_engine(sa_url, pool_pre_ping=True, **kwargs)
    database = sa_url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sa_url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's documented pysqlite recipe: stop the driver from issuing its own
        # BEGIN, so that the "begin" hook below decides how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable with WAL, and faster
        cursor.close()

    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)

        @event.listens_for(engine, "commit")
        def _before_commit(conn: Connection) -> None:
            # A deleted database file stays open and writable through its old handle, and
            # everything written to it is lost: refuse to report such a write as saved.
            if not path.exists():
                raise StorageUnavailable(f"the database file {path} is missing")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass(frozen=True)
class Database:
    """An engine plus two session factories: one for reads, one for writes."""

    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        engine = make_engine(url, **kwargs)
        write_engine = engine.execution_options(**{WRITE_OPTION: True})
        return cls(
            engine=engine,
            reader=sessionmaker(engine, expire_on_commit=False),
            writer=sessionmaker(write_engine, expire_on_commit=False),
        )

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        """Yield a session; a write session's transactions hold the SQLite write lock."""
        with (self.writer if write else self.reader)() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
