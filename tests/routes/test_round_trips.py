"""Statements each of a class's busiest requests sends to the database, counted on SQLite and
PostgreSQL: under load every round trip waits its turn, so a ceiling per route keeps one
refactor from quietly doubling an answer's cost (bench/load.py measures the time)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from db_fixtures import csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.limits import usage
from app.limits.usage import ANSWER, CPU

# Ceilings per request: statements and commits on PostgreSQL (BEGIN is not counted: psycopg
# sends it unseen); SQLite needs fewer, having no advisory locks. For an answer: the login,
# the per-student lock (which also turns off waiting for the disk), the count in the window,
# its insert and commit; the tries so far, the attempt's insert and commit.
CEILINGS = {
    "answer": 8,
    "dilemma response": 9,
    "trace": 4,  # the client's CPU-seconds read; then lock, insert and commit the time spent
    "lesson page": 4,
    "progress": 2,
}


@contextmanager
def statements() -> Iterator[list[str]]:
    """Yield a list that collects every statement sent by any engine, and every commit."""
    sent: list[str] = []

    def on_execute(*args: Any) -> None:
        statement = args[2]  # (conn, cursor, statement, parameters, context, executemany)
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE (app/db/database.py)
            sent.append(statement)

    def on_commit(conn: Any) -> None:
        sent.append("COMMIT")

    event.listen(Engine, "before_cursor_execute", on_execute)
    event.listen(Engine, "commit", on_commit)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)
        event.remove(Engine, "commit", on_commit)


def sent_by(request: Callable[[], httpx.Response]) -> list[str]:
    """Return the statements one request sent (after checking it succeeded)."""
    with statements() as sent:
        response = request()
    assert response.is_success, response.text
    return sent


def test_the_busiest_requests_stay_under_their_round_trips(
    quiz_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No purge of aged counts falls due during the test (it runs once a minute per process).
    monkeypatch.setattr(usage, "_last_purge", {ANSWER: time.monotonic(), CPU: time.monotonic()})
    client = quiz_client
    register(client, "ada")
    token = csrf(client)
    lesson = "/api/lessons/quizzy"
    client.get("/lessons/quizzy")  # warm every cache a first visit fills
    counts = {
        "answer": sent_by(
            lambda: client.post(f"{lesson}/quiz/num/attempts", json={"answer": 7}, headers=token)
        ),
        "dilemma response": sent_by(
            lambda: client.post(
                f"{lesson}/dilemmas/phone/responses",
                json={"choice": "rnn", "reason": "it is small", "confidence": 3},
                headers=token,
            )
        ),
        "trace": sent_by(
            lambda: client.post(
                "/api/engine/trace",
                json={"cell": "gru", "hidden_size": 4, "input": "a parade"},
                headers=token,
            )
        ),
        "lesson page": sent_by(lambda: client.get("/lessons/quizzy")),
        "progress": sent_by(lambda: client.get("/api/me/progress")),
    }
    over = {route: sent for route, sent in counts.items() if len(sent) > CEILINGS[route]}
    assert not over, "\n\n".join(
        f"{route}: {len(sent)} > {CEILINGS[route]}\n" + "\n".join(s[:120] for s in sent)
        for route, sent in over.items()
    )
    assert all(counts.values()), "every route reads or writes something: the listener works"
