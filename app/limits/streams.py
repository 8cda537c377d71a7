"""Training streams a client and a server process may run at once.

Per process: a semaphore, taken without waiting; it bounds that process's memory (the largest
run holds ~140 MB). Per client, across every process: a lease row per running stream,
counted under a per-client lock. A running stream renews its lease; a process killed
mid-stream cannot delete its rows, so a lease counts only until it expires (LEASE after its
last renewal).
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.db.models import TrainLease, utcnow
from app.db.ratelimit import serialize_on
from app.limits.errors import ServerBusy, TrainingsRunning

LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=10)
RETRY_SECONDS = 10  # a run lasts at most a minute; most end within seconds
MAX_CLIENT = 64


class WorkerSlots:
    """The training streams this process may run at once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    def take(self) -> None:
        """Take a slot, or raise ServerBusy when all are taken (never wait: a waiting request
        would hold its connection and a thread)."""
        if not self._free.acquire(blocking=False):
            raise ServerBusy(RETRY_SECONDS)

    def give(self) -> None:
        self._free.release()


def take_lease(session: Session, *, client: str, per_client: int) -> int:
    """Record a stream running for `client` and return its lease id, or raise
    TrainingsRunning when `per_client` of its leases are live."""
    client = client[:MAX_CLIENT]
    serialize_on(session, f"train-client:{client}")
    now = utcnow()
    # Expired leases are the rows of killed processes: nobody renews them any more.
    session.execute(delete(TrainLease).where(TrainLease.expires_at <= now))
    running = session.scalar(
        select(func.count()).where(TrainLease.client == client, TrainLease.expires_at > now)
    )
    if (running or 0) >= per_client:
        session.rollback()
        raise TrainingsRunning(RETRY_SECONDS, per_client)
    lease = TrainLease(client=client, created_at=now, expires_at=now + LEASE)
    session.add(lease)
    session.commit()
    return lease.id


def renew_lease(session: Session, *, lease_id: int) -> None:
    """Push the lease's expiry forward: its stream is still running."""
    session.execute(
        update(TrainLease).where(TrainLease.id == lease_id).values(expires_at=utcnow() + LEASE)
    )
    session.commit()


def drop_lease(session: Session, *, lease_id: int) -> None:
    """Delete the lease: its stream ended (finished, failed or its client left)."""
    session.execute(delete(TrainLease).where(TrainLease.id == lease_id))
    session.commit()
