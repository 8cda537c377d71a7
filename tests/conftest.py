"""Shared fixtures: a fresh lessons folder, settings object and app per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from threadpoolctl import threadpool_limits

from app.config import PROJECT_ROOT, Settings
from app.main import create_app

# As in a server process (Settings.blas_threads): on small matrices, BLAS threads only contend
# with each other and with the other tests' work, making run times swing widely.
threadpool_limits(1, user_api="blas")

# Argon2id at its lowest cost (Settings.password_hash_cost): the suite creates and logs into
# hundreds of accounts, each ~0.1 s of CPU at the standard cost. An environment variable, so
# the servers the browser and multi-process tests start use it too.
os.environ.setdefault("PARADE_PASSWORD_HASH_COST", "test")

REPO_LESSONS = PROJECT_ROOT / "lessons"
SHARED_SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "rnn-lesson.txt"
# A copy for clones without ../shared beside them; tests/content/test_seed.py checks it matches.
SEED_COPY = Path(__file__).parent / "content" / "fixtures" / "rnn-lesson.txt"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with slow tests first: xdist (--dist loadscope) hands whole modules to workers
    in this order, and a long module collected last runs alone while the other workers idle."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable: the order within is kept


@pytest.fixture
def seed_file() -> Path:
    """The source lesson in the seed format: ../shared's where present, else our copy."""
    return SHARED_SEED if SHARED_SEED.exists() else SEED_COPY


@pytest.fixture
def lessons_dir(tmp_path: Path, seed_file: Path) -> Path:
    """A copy of the repo's lessons plus the seed file, free to edit."""
    root = tmp_path / "lessons"
    shutil.copytree(REPO_LESSONS, root)
    shutil.copy(seed_file, root / "rnn-lesson.txt")
    return root


@pytest.fixture
def settings(lessons_dir: Path, tmp_path: Path) -> Settings:
    return Settings(
        lessons_dir=lessons_dir,
        database_url=f"sqlite:///{tmp_path / 'parade.db'}",
        secret_key="test-secret-key-" + "x" * 32,
        watch_lessons=False,
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


MINI_LESSON_MD = """\
---
title: Mini lesson
slug: mini
order: 5
summary: A tiny lesson for tests.
narrated: [answer]
---

## The answer {#answer}

An RNN keeps a **hidden state** $h_t$.

$$
h_t = \\tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})
$$

## How it works

- Step one
- Step two

```rnn-stepper
cell: gru
hidden_size: 3
input: abc
locked: [cell]
```

## Check yourself {#quiz}

Try these.
"""

MINI_QUIZ = """\
questions:
  - id: memory
    type: single
    prompt: What carries memory between steps?
    options:
      - id: hidden
        text: The hidden state
        correct: true
      - id: weights
        text: The weights
        feedback: SECRET-FEEDBACK-weights are shared, not a memory.
        misconception: SECRET-MISCONCEPTION-params-as-state
    explanation: SECRET-EXPLANATION-hidden state carries memory.
    hints: [SECRET-HINT-look at h_t]
  - id: params
    type: numeric
    prompt: How many parameters has nn.RNN(10, 20)?
    answer: 640
    tolerance: 0
    feedback: SECRET-NUMERIC-FEEDBACK
    explanation: SECRET-NUMERIC-EXPLANATION
  - id: steps
    type: ordering
    prompt: Order the steps.
    items:
      - {id: project, text: Project the input}
      - {id: recur, text: Add the recurrent term}
      - {id: squash, text: Apply tanh}
    feedback: SECRET-ORDER-FEEDBACK
    explanation: SECRET-ORDER-EXPLANATION
  - id: tf
    type: true_false
    prompt: LSTMs have gates.
    answer: true
    feedback: SECRET-TF-FEEDBACK
    explanation: SECRET-TF-EXPLANATION
"""

MINI_DILEMMAS = """\
dilemmas:
  - id: phone
    title: Reviews on a phone
    prompt: Pick a model.
    options:
      - id: rnn
        text: A plain RNN
        tradeoffs:
          gains: [SECRET-GAIN-small]
          costs: [SECRET-COST-forgets]
      - id: lstm
        text: An LSTM
        tradeoffs:
          gains: [SECRET-GAIN-remembers]
          costs: [SECRET-COST-4x]
    commentary: SECRET-COMMENTARY-it depends.
"""


@pytest.fixture
def make_lesson(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Return a function writing a small valid lesson folder (files overridable)."""

    def make(
        root: Path | None = None,
        name: str = "mini",
        lesson_md: str = MINI_LESSON_MD,
        quiz: str | None = MINI_QUIZ,
        dilemmas: str | None = MINI_DILEMMAS,
    ) -> Path:
        folder = (root or tmp_path / "lessons") / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "lesson.md").write_text(lesson_md, encoding="utf-8")
        if quiz is not None:
            (folder / "quiz.yaml").write_text(quiz, encoding="utf-8")
        if dilemmas is not None:
            (folder / "dilemmas.yaml").write_text(dilemmas, encoding="utf-8")
        return folder

    return make


@pytest.fixture
def mini_client(make_lesson, settings: Settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client whose lessons folder also holds the small 'mini' test lesson."""
    make_lesson(root=settings.lessons_dir)
    with TestClient(create_app(settings)) as client:
        yield client


# Database fixtures (database_url on SQLite and PostgreSQL, quiz_client, ...).
pytest_plugins = ["db_fixtures"]


INSTRUCTOR_PASSWORD = "a long instructor passphrase"


def log_in_instructor(client: TestClient, app: FastAPI, username: str = "teach") -> None:
    """Create an instructor account in the app's database and log `client` in as it."""
    from app.accounts.users import create_user

    with app.state.db.session(write=True) as session:
        create_user(session, username=username, password=INSTRUCTOR_PASSWORD, role="instructor")
        session.commit()
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    credentials = {"username": username, "password": INSTRUCTOR_PASSWORD}
    response = client.post("/api/auth/login", headers={"X-CSRFToken": token}, json=credentials)
    assert response.status_code == 200, response.text


@pytest.fixture
def instructor_client(app: FastAPI) -> Iterator[TestClient]:
    """A client logged in as an instructor."""
    with TestClient(app) as client:
        log_in_instructor(client, app)
        yield client
