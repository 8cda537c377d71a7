"""Rate limits counted in the database, so they hold across workers and concurrent requests.

A limit is "count the recent events for a key, refuse when there are too many, else record
one more". Counting and recording must be one atomic step, or N parallel requests all count
the same N-1 rows and all get through. On SQLite a write transaction already holds the
database's write lock from its first statement (``BEGIN IMMEDIATE``, app/db/database.py); on
PostgreSQL, READ COMMITTED lets two transactions count at once, so `serialize_on` takes a
transaction-scoped advisory lock per key first: requests for one key queue, others do not.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import DomainError


class RateLimited(DomainError):
    """Too many recent events for a key; `retry_after` is in seconds. Subclasses say what
    was limited in `message`."""

    status = 429
    message = "Too many requests. Wait a while and try again."

    def __init__(self, retry_after: int) -> None:
        super().__init__(self.message)
        self.retry_after = retry_after


def lock_id(name: str) -> int:
    """Return a signed 64-bit advisory-lock id for `name` (stable across processes)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def serialize_on(session: Session, *names: str, durable: bool = True) -> None:
    """Make this transaction the only one working on `names` until it ends.

    PostgreSQL: advisory transaction locks, taken in one global order so that two requests
    sharing two keys cannot deadlock. SQLite: nothing to do, the write transaction is
    already exclusive. `durable=False` also lets this transaction's commit return before
    PostgreSQL has flushed it to disk (synchronous_commit off for this transaction only, in
    the same statement as the first lock): for counts whose loss in a crash lets a few more
    requests through and harms no one's data."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for n, key in enumerate(sorted({lock_id(name) for name in names})):
        lock = select(func.pg_advisory_xact_lock(key))
        if n == 0 and not durable:
            lock = lock.add_columns(func.set_config("synchronous_commit", "off", True))
        session.execute(lock)


def retry_after(oldest: datetime | None, window: timedelta, now: datetime) -> int:
    """Return the seconds until the oldest counted event leaves the window (at least 1)."""
    if oldest is None:
        return int(window.total_seconds())
    return max(1, int((oldest + window - now).total_seconds()) + 1)
