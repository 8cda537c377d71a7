"""Answers, CPU-seconds and training leases counted in the database (SQLite, and PostgreSQL
when PARADE_TEST_DATABASE_URL is set): exact under simultaneous requests, windows tested by
ageing rows rather than sleeping."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from app.db.database import Database
from app.db.models import TrainLease, UsageEvent, utcnow
from app.db.ratelimit import serialize_on
from app.limits import usage
from app.limits.errors import AnswersLimited, EngineTimeLimited, ServerBusy, TrainingsRunning
from app.limits.streams import LEASE, WorkerSlots, drop_lease, renew_lease, take_lease
from app.limits.usage import ANSWER, CPU, UsageLimit, check_usage, count_use, record_use

ANSWERS = UsageLimit(kind=ANSWER, limit=3, window=timedelta(seconds=60))
CPU_LIMIT = UsageLimit(kind=CPU, limit=5.0, window=timedelta(seconds=900))


def count(db: Database, key: str = "user:1") -> None:
    with db.session(write=True) as s:
        count_use(s, key=key, limit=ANSWERS, limited=AnswersLimited)


def rows(db: Database, model: type[UsageEvent | TrainLease]) -> int:
    with db.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def age(db: Database, model: type[UsageEvent] | type[TrainLease], seconds: float) -> None:
    """Move every row's time `seconds` into the past."""
    with db.session(write=True) as s:
        if model is UsageEvent:
            s.execute(update(UsageEvent).values(created_at=utcnow() - timedelta(seconds=seconds)))
        else:
            s.execute(update(TrainLease).values(expires_at=utcnow() - timedelta(seconds=seconds)))
        s.commit()


def test_answers_are_counted_up_to_the_limit_per_key(db: Database) -> None:
    for _ in range(3):
        count(db)
    with pytest.raises(AnswersLimited) as refused:
        count(db)
    assert 0 < refused.value.retry_after <= 61
    assert "Wait a minute" in str(refused.value)
    count(db, key="user:2")  # someone else is not limited
    assert rows(db, UsageEvent) == 4, "a refused answer is not recorded"


def test_answers_older_than_the_window_no_longer_count_and_are_purged(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        count(db)
    count(db, key="user:gone")
    age(db, UsageEvent, 61)
    monkeypatch.setattr(usage, "PURGE_EVERY", 0.0)  # every count finds the purge due
    count(db)
    assert rows(db, UsageEvent) == 1, "every key's aged rows were deleted"


def test_simultaneous_answers_get_exactly_the_limit(db: Database) -> None:
    threads = 12
    start = threading.Barrier(threads)

    def one() -> str:
        start.wait()
        try:
            count(db)
        except AnswersLimited:
            return "refused"
        return "counted"

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcome = Counter(pool.map(lambda _: one(), range(threads)))
    assert outcome == {"counted": 3, "refused": threads - 3}
    assert rows(db, UsageEvent) == 3


def test_cpu_seconds_add_up_and_refuse_once_spent(db: Database) -> None:
    def check() -> None:
        with db.session(write=False) as s:
            check_usage(s, key="client:a", limit=CPU_LIMIT, limited=EngineTimeLimited)

    with db.session(write=True) as s:
        record_use(s, key="client:a", limit=CPU_LIMIT, amount=2.5)
    check()  # 2.5 of 5 used
    with db.session(write=True) as s:
        record_use(s, key="client:a", limit=CPU_LIMIT, amount=2.5)
    with pytest.raises(EngineTimeLimited) as refused:
        check()
    assert 880 <= refused.value.retry_after <= 901
    with db.session(write=False) as s:
        check_usage(s, key="client:b", limit=CPU_LIMIT, limited=EngineTimeLimited)
    age(db, UsageEvent, 901)
    check()


def test_the_purge_runs_at_most_once_per_interval_per_process(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(usage, "_last_purge", {})  # this process has not purged yet
    count(db, key="user:1")  # purges now (nothing to purge yet)
    age(db, UsageEvent, 61)
    count(db, key="user:1")
    assert rows(db, UsageEvent) == 2, "the aged row waits for the next purge"
    monkeypatch.setattr(usage, "_last_purge", {ANSWER: time.monotonic() - usage.PURGE_EVERY})
    count(db, key="user:1")
    assert rows(db, UsageEvent) == 2, "the aged row went; the two in the window stay"


def test_a_count_does_not_wait_for_the_disk_and_the_setting_ends_with_it(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    with db.session(write=True) as s:
        serialize_on(s, "usage:answer:user:1", durable=False)
        assert s.scalar(text("SHOW synchronous_commit")) == "off"
        s.commit()
        assert s.scalar(text("SHOW synchronous_commit")) == "on", "only that transaction"
        serialize_on(s, "login-account:ada")
        assert s.scalar(text("SHOW synchronous_commit")) == "on", "durable by default"


def lease(db: Database, client: str = "10.0.0.1", per_client: int = 2) -> int:
    with db.session(write=True) as s:
        return take_lease(s, client=client, per_client=per_client)


def test_a_client_gets_its_leases_and_no_more(db: Database) -> None:
    first = lease(db)
    lease(db)
    with pytest.raises(TrainingsRunning) as refused:
        lease(db)
    assert str(refused.value) == (
        "Two trainings are already running from your browser; wait for one to finish."
    )
    assert refused.value.retry_after > 0
    lease(db, client="10.0.0.2")
    with db.session(write=True) as s:
        drop_lease(s, lease_id=first)
    lease(db)  # the ended stream's slot is free again


def test_a_killed_workers_lease_expires(db: Database) -> None:
    lease(db, per_client=1)
    age(db, TrainLease, 1)  # its worker died: nobody renewed it
    lease(db, per_client=1)
    assert rows(db, TrainLease) == 1, "the expired lease was deleted"


def test_renewing_a_lease_keeps_it_alive(db: Database) -> None:
    held = lease(db, per_client=1)
    age(db, TrainLease, -1)  # about to expire
    with db.session(write=True) as s:
        renew_lease(s, lease_id=held)
        expires = s.scalar(select(TrainLease.expires_at))
    assert expires is not None and expires > utcnow() + LEASE - timedelta(seconds=5)
    with pytest.raises(TrainingsRunning, match="A training is already running"):
        lease(db, per_client=1)


def test_simultaneous_leases_from_one_client_get_exactly_the_limit(db: Database) -> None:
    threads = 8
    start = threading.Barrier(threads)

    def one() -> str:
        start.wait()
        try:
            lease(db)
        except TrainingsRunning:
            return "refused"
        return "leased"

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcome = Counter(pool.map(lambda _: one(), range(threads)))
    assert outcome == {"leased": 2, "refused": threads - 2}


def test_worker_slots_refuse_without_waiting() -> None:
    slots = WorkerSlots(2)
    slots.take()
    slots.take()
    with pytest.raises(ServerBusy):
        slots.take()
    slots.give()
    slots.take()
