"""Training streams per client (database leases, across workers) and per server process:
exactly N of N+1 simultaneous streams get through, the rest get 429 with Retry-After, and a
stream that ends, fails or loses its client gives its slot back (SQLite, and PostgreSQL when
configured)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from db_fixtures import count_rows, running_server
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.db.database import Database
from app.db.models import TrainLease, utcnow
from app.main import create_app
from app.routes import lab_api

BODY = {"hidden_size": 4, "steps": 5, "log_every": 1}


class Gate:
    """A fake training run that holds its stream open until released (or fails on demand),
    and notes when it was closed."""

    def __init__(self, fail: bool = False, endless: bool = False) -> None:
        self.release = threading.Event()
        self.fail = fail
        self.endless = endless
        self.closed = 0
        self._lock = threading.Lock()

    def __call__(self, req: Any, default_text: str, keep: Any = None) -> Iterator[dict[str, Any]]:
        try:
            yield {"event": "start"}
            deadline = time.monotonic() + 20  # never hang the suite
            while self.endless and time.monotonic() < deadline:
                yield {"event": "progress"}
                time.sleep(0.01)
            self.release.wait(timeout=20)
            if self.fail:
                raise RuntimeError("the engine broke")
            yield {"event": "end", "reason": "finished"}
        finally:
            with self._lock:
                self.closed += 1


@contextmanager
def app_with(settings: Settings, **limits: Any) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update=limits))
    with TestClient(app):
        yield app


def client_at(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def leases(settings: Settings) -> int:
    return count_rows(settings, TrainLease)


def asgi_post(path: str, client: str, spec_version: str) -> dict[str, Any]:
    """The scope of a JSON POST from `client`, for driving the app by hand."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "client": (client, 50000),
        "server": ("testserver", 80),
        "state": {},
    }


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def race(app: FastAPI, addresses: list[str], gate: Gate, settings: Settings) -> Counter[int]:
    """Start one stream per address at once; once the refused ones have their answer and
    the others hold their slots, let the others finish. Return the status codes."""
    start = threading.Barrier(len(addresses))

    def one(address: str) -> int:
        client = client_at(app, address)
        start.wait()
        return client.post("/api/engine/train", json=BODY).status_code

    with ThreadPoolExecutor(max_workers=len(addresses)) as pool:
        futures = [pool.submit(one, a) for a in addresses]
        # Refusals come at once; the others hold their slots until released.
        wait_for(lambda: sum(f.done() for f in futures) + leases(settings) == len(addresses))
        refused = sum(f.done() for f in futures)
        assert refused > 0
        gate.release.set()
        codes = Counter(f.result() for f in futures)
    assert codes[429] == refused
    return codes


@pytest.mark.parametrize("limit", [1, 2])
def test_n_plus_one_simultaneous_streams_from_a_client_get_exactly_n(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    gate = Gate()
    monkeypatch.setattr(lab_api, "cached_training", gate)
    with app_with(db_settings, train_streams_per_client=limit) as app:
        codes = race(app, ["10.0.0.1"] * (limit + 1), gate, db_settings)
        assert codes == {200: limit, 429: 1}
        assert leases(db_settings) == 0, "every slot was given back"
        assert gate.closed == limit


def test_the_refusal_says_why_and_when_to_retry(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(lab_api, "cached_training", gate)
    with app_with(db_settings, train_streams_per_client=2) as app:
        here = client_at(app, "10.0.0.1")
        with ThreadPoolExecutor(max_workers=3) as pool:
            running = [pool.submit(here.post, "/api/engine/train", json=BODY) for _ in range(2)]
            wait_for(lambda: leases(db_settings) == 2)
            refused = here.post("/api/engine/train", json=BODY)
            other = client_at(app, "10.0.0.2")
            other_run = pool.submit(other.post, "/api/engine/train", json=BODY)
            wait_for(lambda: leases(db_settings) == 3)  # another address is not refused
            gate.release.set()
            assert [f.result().status_code for f in [*running, other_run]] == [200, 200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["detail"] == (
        "Two trainings are already running from your browser; wait for one to finish."
    )


def test_a_server_process_runs_at_most_its_streams(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(lab_api, "cached_training", gate)
    with app_with(db_settings, train_streams_per_worker=2, train_streams_per_client=9) as app:
        codes = race(app, ["10.0.0.1", "10.0.0.2", "10.0.0.3"], gate, db_settings)
        assert codes == {200: 2, 429: 1}
        assert app.state.train_slots._free._value == 2, "both slots given back"


def test_the_client_limit_holds_across_workers(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(lab_api, "cached_training", gate)
    with (
        app_with(db_settings, train_streams_per_client=1) as worker_a,
        app_with(db_settings, train_streams_per_client=1) as worker_b,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        running = pool.submit(client_at(worker_a, "10.0.0.1").post, "/api/engine/train", json=BODY)
        wait_for(lambda: leases(db_settings) == 1)
        refused = client_at(worker_b, "10.0.0.1").post("/api/engine/train", json=BODY)
        gate.release.set()
        assert running.result().status_code == 200
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("A training is already running")


def test_a_stream_that_ends_gives_its_slot_back(db_settings: Settings) -> None:
    # A real (tiny) training: no fake here.
    with app_with(db_settings, train_streams_per_client=1, train_streams_per_worker=1) as app:
        here = client_at(app, "10.0.0.1")
        for seed in range(3):
            r = here.post("/api/engine/train", json={**BODY, "seed": seed})
            assert r.status_code == 200 and '"reason":"finished"' in r.text
        assert leases(db_settings) == 0


def test_a_stream_that_ends_gives_its_slot_back_before_its_last_byte(
    db_settings: Settings,
) -> None:
    """A client that has read a run to its end may start the next at once (the Train view
    runs the RNN-vs-LSTM comparison back to back): the slot and the lease are free when the
    last body message is sent, not after it."""
    with app_with(db_settings, train_streams_per_client=1, train_streams_per_worker=1) as app:
        at_the_end: list[tuple[int, int]] = []

        async def read_to_the_end() -> None:
            requests = [
                {"type": "http.request", "body": json.dumps(BODY).encode(), "more_body": False}
            ]

            async def receive() -> dict[str, Any]:
                if requests:
                    return requests.pop()
                await anyio.sleep_forever()  # the client stays to the end
                raise AssertionError

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    free = app.state.train_slots._free._value
                    at_the_end.append((free, await anyio.to_thread.run_sync(leases, db_settings)))

            scope = asgi_post("/api/engine/train", "10.0.0.1", "2.3")
            await app(scope, receive, send)  # type: ignore[arg-type]

        with ThreadPoolExecutor(max_workers=1) as pool:  # see the test below: its own thread
            pool.submit(anyio.run, read_to_the_end).result()
        assert at_the_end == [(1, 0)]  # one free slot, no lease


def test_a_stream_that_fails_gives_its_slot_back(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(fail=True)
    gate.release.set()
    monkeypatch.setattr(lab_api, "cached_training", gate)
    with app_with(db_settings, train_streams_per_client=1, train_streams_per_worker=1) as app:
        here = client_at(app, "10.0.0.1")
        with pytest.raises(RuntimeError, match="the engine broke"):
            here.post("/api/engine/train", json=BODY)
        assert leases(db_settings) == 0 and gate.closed == 1
        monkeypatch.undo()  # a real training now
        assert here.post("/api/engine/train", json=BODY).status_code == 200


@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
def test_a_stream_whose_client_leaves_gives_its_slot_back(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch, spec_version: str
) -> None:
    """The client goes away after the first line: under ASGI 2.3 the server says so
    (http.disconnect); under 2.4 the next send fails (as uvicorn's does)."""
    gate = Gate(endless=True)
    monkeypatch.setattr(lab_api, "cached_training", gate)
    with app_with(db_settings, train_streams_per_client=1, train_streams_per_worker=1) as app:
        chunks: list[bytes] = []

        async def leave_after_the_first_line() -> None:
            requests = [
                {"type": "http.request", "body": json.dumps(BODY).encode(), "more_body": False}
            ]
            got_a_line = anyio.Event()

            async def receive() -> dict[str, Any]:
                if requests:
                    return requests.pop()
                await got_a_line.wait()
                return {"type": "http.disconnect"}

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.body" and message.get("body"):
                    if got_a_line.is_set() and spec_version == "2.4":
                        raise OSError("the client is gone")
                    chunks.append(message["body"])
                    got_a_line.set()

            scope = asgi_post("/api/engine/train", "10.0.0.1", spec_version)
            try:
                await app(scope, receive, send)  # type: ignore[arg-type]
            except Exception:  # noqa: S110 - under 2.4 the disconnect is raised to the server
                pass

        started = time.monotonic()
        # A thread of its own: a browser test earlier on this worker leaves Playwright's
        # event loop marked as running in the main thread.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(anyio.run, leave_after_the_first_line).result()
        assert time.monotonic() - started < 10, "the stream stopped when its client left"
        assert chunks and json.loads(chunks[0]) == {"event": "start"}
        assert leases(db_settings) == 0 and gate.closed == 1
        assert app.state.train_slots._free._value == 1
        gate.endless = False
        gate.release.set()
        assert client_at(app, "10.0.0.1").post("/api/engine/train", json=BODY).status_code == 200


def test_a_killed_workers_leftover_lease_does_not_block(db_settings: Settings) -> None:
    with app_with(db_settings, train_streams_per_client=1) as app:
        db = Database.from_url(db_settings.database_url)
        with db.session(write=True) as s:
            then = utcnow() - timedelta(minutes=5)
            s.add(TrainLease(client="10.0.0.1", created_at=then, expires_at=then))
            s.commit()
        db.dispose()
        assert client_at(app, "10.0.0.1").post("/api/engine/train", json=BODY).status_code == 200


@pytest.mark.slow
def test_a_real_server_frees_the_slot_when_the_browser_leaves(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Through uvicorn: a long real training, its connection closed after the first lines."""
    monkeypatch.setenv("PARADE_TRAIN_STREAMS_PER_CLIENT", "1")
    long_run = {"task": "next_char", "steps": 2000, "log_every": 1, "max_seconds": 60}
    with running_server(db_settings.lessons_dir, db_settings.database_url, tmp_path) as base:
        with httpx.stream("POST", f"{base}/api/engine/train", json=long_run, timeout=30) as r:
            assert r.status_code == 200
            lines = r.iter_lines()
            assert json.loads(next(lines))["event"] == "start"
            assert leases(db_settings) == 1
            second = httpx.post(f"{base}/api/engine/train", json=BODY, timeout=30)
            assert second.status_code == 429
        started = time.monotonic()
        wait_for(lambda: leases(db_settings) == 0, seconds=20)
        assert time.monotonic() - started < 5, "freed at the next line, not when the run ends"
        again = httpx.post(f"{base}/api/engine/train", json=BODY, timeout=30)
        assert again.status_code == 200 and '"reason":"finished"' in again.text
