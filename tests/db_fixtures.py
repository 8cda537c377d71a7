"""Database fixtures (a pytest plugin, registered in conftest.py).

Every test that takes `database_url` runs on a fresh SQLite file and, when
PARADE_TEST_DATABASE_URL is set, again on a fresh schema of that PostgreSQL database.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import PROJECT_ROOT, Settings
from app.db.database import Database
from app.db.migrate import upgrade
from app.db.models import Base
from app.db.scratch import scratch_schema
from app.main import create_app

PG_URL = os.environ.get("PARADE_TEST_DATABASE_URL", "")
PASSWORD = "a long enough passphrase"

# A lesson with one question of every type; answers and feedback are marked SECRET so that
# leak tests can scan every response for them.
QUIZ_LESSON_MD = """\
---
title: Quiz lesson
slug: quizzy
order: 1
summary: Every question type.
---

## Reading {#reading}

Some text.

## Check yourself {#quiz}

## Dilemmas {#dilemmas}
"""

QUIZ_YAML = """\
questions:
  - id: single
    type: single
    prompt: What carries memory between steps?
    options:
      - {id: hidden, text: The hidden state, correct: true}
      - id: weights
        text: The weights
        feedback: SECRET-single-feedback
        misconception: SECRET-single-misconception
    explanation: SECRET-single-explanation
    hints: [SECRET-hint-1, SECRET-hint-2]
    attempts: 3
    points: [1, 0.5, 0.25]
  - id: multi
    type: multiple
    prompt: Which are gates of an LSTM?
    options:
      - {id: input, text: Input gate, correct: true}
      - {id: forget, text: Forget gate, correct: true}
      - {id: reset, text: Reset gate, feedback: SECRET-multi-feedback-reset}
      - {id: update, text: Update gate, feedback: SECRET-multi-feedback-update}
    explanation: SECRET-multi-explanation
  - id: tf
    type: true_false
    prompt: A GRU has a cell state.
    answer: false
    feedback: SECRET-tf-feedback
    explanation: SECRET-tf-explanation
  - id: num
    type: numeric
    prompt: How many parameters has nn.RNN(10, 20)?
    answer: 640
    tolerance: 0
    mistakes:
      - {value: 620, feedback: SECRET-num-mistake-one-bias}
    feedback: SECRET-num-feedback
    explanation: SECRET-num-explanation
    attempts: 5
  - id: order
    type: ordering
    prompt: Order the steps.
    items:
      - {id: project, text: Project the input}
      - {id: recur, text: Add the recurrent term}
      - {id: squash, text: Apply tanh}
    feedback: SECRET-order-feedback
    explanation: SECRET-order-explanation
  - id: word
    type: text
    prompt: What vanishes in the vanishing-gradient problem?
    accept: [gradient, the gradient]
    feedback: SECRET-text-feedback
    explanation: SECRET-text-explanation
  - id: h1
    type: engine
    prompt: Compute h_1 for this 2-unit RNN.
    feedback: SECRET-engine-feedback
    explanation: SECRET-engine-explanation
"""

DILEMMAS_YAML = """\
dilemmas:
  - id: phone
    title: Reviews on a phone
    prompt: Pick a model.
    options:
      - id: rnn
        text: A plain RNN
        tradeoffs: {gains: [SECRET-gain-small], costs: [SECRET-cost-forgets]}
      - id: lstm
        text: An LSTM
        tradeoffs: {gains: [SECRET-gain-remembers], costs: [SECRET-cost-4x]}
    commentary: SECRET-commentary
"""

RIGHT_ANSWERS: dict[str, object] = {
    "single": "hidden",
    "multi": ["input", "forget"],
    "tf": False,
    "num": 640,
    "order": ["project", "recur", "squash"],
    "word": "Gradient",
}
WRONG_ANSWERS: dict[str, object] = {
    "single": "weights",
    "multi": ["reset"],
    "tf": True,
    "num": 1,
    "order": ["squash", "recur", "project"],
    "word": "weights",
    "h1": [5.0, 5.0],
}


def _postgres_url() -> Iterator[str]:
    """Yield a URL whose connections work in a fresh schema, dropped afterwards."""
    with scratch_schema(PG_URL) as url:
        yield url


def fuzz_examples(full: int) -> int:
    """Hypothesis examples for a fuzz test: `full`, scaled by PARADE_FUZZ_SCALE (CI's
    lowest-versions run checks that the fuzzers work on the oldest libraries, not the app
    again, so it asks for a fifth)."""
    return max(3, round(full * float(os.environ.get("PARADE_FUZZ_SCALE", "1"))))


def fuzz_database_url(folder: Path) -> str:
    """Return a database for a module-level fuzzing app: a PostgreSQL schema when configured
    (where NUL and integer bounds differ from SQLite), dropped at exit; else a SQLite file."""
    if not PG_URL:
        return f"sqlite:///{folder / 'fuzz.db'}"
    schema = scratch_schema(PG_URL, prefix="fuzz")
    url = schema.__enter__()
    atexit.register(schema.__exit__, None, None, None)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not PG_URL:
        pytest.skip("PARADE_TEST_DATABASE_URL is not set")
    yield from _postgres_url()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The fresh database, migrated to the latest schema."""
    upgrade(database_url)
    database = Database.from_url(database_url)
    yield database
    database.dispose()


@pytest.fixture
def quiz_lessons(tmp_path: Path) -> Path:
    """A lessons folder holding only the 'quizzy' lesson (every question type)."""
    folder = tmp_path / "quiz-lessons" / "quizzy"
    folder.mkdir(parents=True)
    (folder / "lesson.md").write_text(QUIZ_LESSON_MD, encoding="utf-8")
    (folder / "quiz.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    (folder / "dilemmas.yaml").write_text(DILEMMAS_YAML, encoding="utf-8")
    return folder.parent


@pytest.fixture
def db_settings(quiz_lessons: Path, database_url: str) -> Settings:
    return Settings(
        lessons_dir=quiz_lessons,
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        watch_lessons=False,
    )


@pytest.fixture
def repo_app(lessons_dir: Path, database_url: str) -> Iterator[FastAPI]:
    """The repo's lessons (and the seed file) served on each fresh database."""
    settings = Settings(
        lessons_dir=lessons_dir,
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        watch_lessons=False,
    )
    app = create_app(settings)
    with TestClient(app):
        yield app


@pytest.fixture
def quiz_client(db_settings: Settings) -> Iterator[TestClient]:
    """A client of an app serving 'quizzy' on the fresh database (lifespan run)."""
    with TestClient(create_app(db_settings)) as client:
        yield client


@pytest.fixture
def make_client(db_settings: Settings) -> Iterator[Callable[[], TestClient]]:
    """Return a function making clients (separate browsers) of one running app."""
    app = create_app(db_settings)
    with TestClient(app):  # runs the lifespan once, for all of them
        yield lambda: TestClient(app)


def count_rows(settings: Settings, *models: type[Base]) -> int:
    """Return how many rows the tables of `models` hold together, read on a connection of
    its own (what any other process would see)."""
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        n = sum(s.scalar(select(func.count()).select_from(m)) or 0 for m in models)
    db.dispose()
    return n


def csrf(client: TestClient) -> dict[str, str]:
    """Return the CSRF header for `client`, fetching the cookie first if needed."""
    token = client.cookies.get("csrftoken")
    if token is None:
        token = client.get("/api/auth/csrf").json()["csrf_token"]
    return {"X-CSRFToken": token}


def register(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/api/auth/register",
        json={"username": username, "password": password},
        headers=csrf(client),
    )
    assert response.status_code == 201, response.text


def attempt(client: TestClient, question_id: str, answer: object) -> httpx.Response:
    return client.post(
        f"/api/lessons/quizzy/quiz/{question_id}/attempts",
        json={"answer": answer},
        headers=csrf(client),
    )


# --- a real server, for browser and multi-process tests ---------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    lessons_dir: Path, database_url: str, log_dir: Path, workers: int = 1
) -> Iterator[str]:
    """Run `parade serve` (several worker processes if asked); yield its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "PARADE_LESSONS_DIR": str(lessons_dir),
        "PARADE_DATABASE_URL": database_url,
        "PARADE_SECRET_KEY": "live-test-secret-" + "x" * 32,
        "PARADE_WATCH_LESSONS": "false",
        "PARADE_REGISTER_LIMIT_PER_CLIENT": "10000",  # every test student signs up from here
    }
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text())
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # still finishing a request: stop it hard
                proc.kill()
                proc.wait(timeout=20)
                raise
