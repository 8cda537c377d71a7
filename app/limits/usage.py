"""Uses counted per key over a sliding window in the database: quiz answers and dilemma
responses per student, engine CPU-seconds per client address.

Every function takes the session first and the rest by keyword, and commits its own work.
Rows that have left their window count no more; they are deleted by whichever request finds
the purge of their kind due (at most every `PURGE_EVERY` seconds per process), so the table
holds about one window of rows per kind. Each kind has one window (one setting).

Counting is on every answer's path, so it is kept to a few round trips: one lock, one read,
one insert, and a commit that does not wait for the disk (a count lost in a crash lets one
more answer through; the answer itself is stored durably by its own transaction).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.models import UsageEvent, utcnow
from app.db.ratelimit import RateLimited, lock_id, retry_after, serialize_on

ANSWER = "answer"
CPU = "cpu"
PURGE_EVERY = 60.0  # seconds between one process's purges of a kind's aged rows
MAX_KEY = 80

_last_purge: dict[str, float] = {}  # kind -> time.monotonic() of this process's last purge


@dataclass(frozen=True)
class UsageLimit:
    """At most `limit` (a count, or a sum of CPU-seconds) of `kind` per key in `window`."""

    kind: str
    limit: float
    window: timedelta


def used(
    session: Session, *, key: str, limit: UsageLimit, now: datetime
) -> tuple[float, datetime | None]:
    """Return the key's total in the window ending `now` and the time of its oldest counted
    use there."""
    total, oldest = session.execute(
        select(
            func.coalesce(func.sum(UsageEvent.amount), 0.0), func.min(UsageEvent.created_at)
        ).where(
            UsageEvent.kind == limit.kind,
            UsageEvent.key == key[:MAX_KEY],
            UsageEvent.created_at > now - limit.window,
        )
    ).one()
    return float(total), oldest


def check_usage(
    session: Session, *, key: str, limit: UsageLimit, limited: type[RateLimited]
) -> None:
    """Raise `limited` when the key has used up its limit in the window; else end the
    (reading) transaction, so that no lock is held while the work runs."""
    now = utcnow()
    total, oldest = used(session, key=key, limit=limit, now=now)
    session.rollback()
    if total >= limit.limit:
        # When the oldest use leaves the window: exact for counts, a first retry for sums.
        raise limited(retry_after(oldest, limit.window, now))


def count_use(session: Session, *, key: str, limit: UsageLimit, limited: type[RateLimited]) -> None:
    """Record one use for `key`, or raise `limited` when it already has `limit` in the
    window. Counting and recording are one step, serialized per key (app/db/ratelimit.py), so
    simultaneous requests cannot get past the limit."""
    key = key[:MAX_KEY]
    serialize_on(session, f"usage:{limit.kind}:{key}", durable=False)
    now = utcnow()
    total, oldest = used(session, key=key, limit=limit, now=now)
    if total + 1 > limit.limit:
        session.rollback()
        raise limited(retry_after(oldest, limit.window, now))
    _add(session, key=key, limit=limit, amount=1.0, now=now)


def record_use(session: Session, *, key: str, limit: UsageLimit, amount: float) -> None:
    """Record `amount` (CPU-seconds spent) for `key` without refusing it: the work is done.
    The check before the work (`check_usage`) is what refuses the next request."""
    key = key[:MAX_KEY]
    serialize_on(session, f"usage:{limit.kind}:{key}", durable=False)
    _add(session, key=key, limit=limit, amount=amount, now=utcnow())


def _add(session: Session, *, key: str, limit: UsageLimit, amount: float, now: datetime) -> None:
    """Add one row, delete the kind's rows that have left the window when the purge is due,
    and commit."""
    if _purge_due(limit.kind) and _purge_turn(session):
        session.execute(
            delete(UsageEvent).where(
                UsageEvent.kind == limit.kind, UsageEvent.created_at <= now - limit.window
            )
        )
    session.add(UsageEvent(kind=limit.kind, key=key, amount=amount, created_at=now))
    session.commit()


def _purge_due(kind: str) -> bool:
    """Return whether this process last purged `kind` more than PURGE_EVERY ago (or never),
    and if so note that it purges now."""
    clock = time.monotonic()
    if clock - _last_purge.get(kind, -PURGE_EVERY) < PURGE_EVERY:
        return False
    _last_purge[kind] = clock
    return True


def _purge_turn(session: Session) -> bool:
    """Return whether this transaction may delete aged rows: on PostgreSQL only
    one transaction at a time (the others skip it rather than queue or deadlock on the same
    rows); SQLite's write transactions are exclusive already."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(lock_id("usage-purge")))))
