"""What an engine request may spend: CPU-seconds per client (app/limits/usage.py) and, for
training, a stream slot in this process and a lease for its client (app/limits/streams.py).

CPU time is the thread's own (`time.thread_time`) around the engine's work, so other requests
running at the same time are not charged to this one.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TypeVar

from app.db.database import Database
from app.limits.errors import EngineTimeLimited
from app.limits.streams import RENEW_EVERY, WorkerSlots, drop_lease, renew_lease, take_lease
from app.limits.usage import UsageLimit, check_usage, record_use

log = logging.getLogger("parade")
T = TypeVar("T")


@dataclass(frozen=True)
class EngineBudget:
    """One client's engine budget: `cpu` CPU-seconds per window, counted in `db`."""

    db: Database
    client: str
    cpu: UsageLimit

    @property
    def key(self) -> str:
        return f"client:{self.client}"

    def check(self) -> None:
        """Raise EngineTimeLimited when the client has used up its CPU-seconds."""
        with self.db.session(write=False) as session:
            check_usage(session, key=self.key, limit=self.cpu, limited=EngineTimeLimited)

    def spend(self, seconds: float) -> None:
        """Record `seconds` of engine CPU time for the client."""
        with self.db.session(write=True) as session:
            record_use(session, key=self.key, limit=self.cpu, amount=seconds)

    def run(self, work: Callable[[], T]) -> T:
        """Return `work()`, its CPU time recorded even when it fails."""
        start = time.thread_time()
        try:
            return work()
        finally:
            self.spend(time.thread_time() - start)


class TrainingRun:
    """A training stream holding a worker slot and a client lease until `finish`."""

    def __init__(self, budget: EngineBudget, slots: WorkerSlots, lease_id: int) -> None:
        self.budget = budget
        self.slots = slots
        self.lease_id = lease_id
        self.cpu_seconds = 0.0
        self._body: Iterator[bytes] | None = None
        self._finished = False
        self._lock = threading.Lock()

    @classmethod
    def start(cls, budget: EngineBudget, slots: WorkerSlots, *, per_client: int) -> TrainingRun:
        """Return a run holding a slot and a lease, or raise the limit that refuses it."""
        budget.check()
        slots.take()
        try:
            with budget.db.session(write=True) as session:
                lease_id = take_lease(session, client=budget.client, per_client=per_client)
        except BaseException:
            slots.give()
            raise
        return cls(budget, slots, lease_id)

    def stream(self, lines: Generator[bytes]) -> Iterator[bytes]:
        """Return `lines` metered: the CPU time spent making them is added up, and the lease
        renewed while they last. `finish` closes it."""
        self._body = self._meter(lines)
        return self._body

    def _meter(self, lines: Generator[bytes]) -> Generator[bytes]:
        renewed = time.monotonic()
        try:
            while True:
                # Each line may be made on another thread: measure each one where it is made.
                start = time.thread_time()
                try:
                    line = next(lines, None)
                finally:
                    self.cpu_seconds += time.thread_time() - start
                if line is None:
                    # Done: give the slot back before the stream's last byte goes out, so a
                    # client that saw the end can start another run at once.
                    self._release()
                    return
                yield line
                if time.monotonic() - renewed > RENEW_EVERY.total_seconds():
                    with self.budget.db.session(write=True) as session:
                        renew_lease(session, lease_id=self.lease_id)
                    renewed = time.monotonic()
        finally:
            lines.close()  # frees the training's arrays now, not whenever it is collected

    def finish(self) -> None:
        """Stop the stream, give back the slot and the lease and record the CPU time spent
        (once, whether the stream ended or was cut off)."""
        if isinstance(self._body, Generator):
            # Not running now: a cancelled stream waits for the line being made (anyio).
            with contextlib.suppress(ValueError):
                self._body.close()
        self._release()

    def _release(self) -> None:
        with self._lock:
            if self._finished:
                return
            self._finished = True
        self.slots.give()
        try:
            with self.budget.db.session(write=True) as session:
                drop_lease(session, lease_id=self.lease_id)
            self.budget.spend(self.cpu_seconds)
        except Exception:
            # The database is down: the lease expires on its own, and the slot is free.
            log.exception("could not end the training lease %s", self.lease_id)
