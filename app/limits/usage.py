"""Uses counted per key over a sliding window in the database: quiz answers and dilemma
responses per student, engine CPU-seconds per client address.

Every function takes the session first and the rest by keyword, and commits its own work.
Rows older than their window are deleted as the key is counted again; rows of keys that never
come back are deleted once a day old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.models import UsageEvent, utcnow
from app.db.ratelimit import RateLimited, lock_id, retry_after, serialize_on

ANSWER = "answer"
CPU = "cpu"
PURGE_AFTER = timedelta(days=1)
MAX_KEY = 80


@dataclass(frozen=True)
class UsageLimit:
    """At most `limit` (a count, or a sum of CPU-seconds) of `kind` per key in `window`."""

    kind: str
    limit: float
    window: timedelta


def used(
    session: Session, *, key: str, limit: UsageLimit, now: datetime
) -> tuple[float, datetime | None]:
    """Return the key's total in the window and the time of its oldest counted use."""
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
    serialize_on(session, f"usage:{limit.kind}:{key}")
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
    serialize_on(session, f"usage:{limit.kind}:{key}")
    _add(session, key=key, limit=limit, amount=amount, now=utcnow())


def _add(session: Session, *, key: str, limit: UsageLimit, amount: float, now: datetime) -> None:
    """Add one row, forget the key's rows older than the window, and commit."""
    session.execute(
        delete(UsageEvent).where(
            UsageEvent.kind == limit.kind,
            UsageEvent.key == key,
            UsageEvent.created_at <= now - limit.window,
        )
    )
    if _purge_turn(session):
        stale = now - max(limit.window, PURGE_AFTER)
        session.execute(
            delete(UsageEvent).where(UsageEvent.kind == limit.kind, UsageEvent.created_at <= stale)
        )
    session.add(UsageEvent(kind=limit.kind, key=key, amount=amount, created_at=now))
    session.commit()


def _purge_turn(session: Session) -> bool:
    """Return whether this transaction may delete other keys' stale rows: on PostgreSQL only
    one transaction at a time (the others skip it rather than queue or deadlock on the same
    rows); SQLite's write transactions are exclusive already."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(lock_id("usage-purge")))))
