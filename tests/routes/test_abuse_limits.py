"""Answers per student or guest and engine CPU-seconds per client, through the routes:
429 with Retry-After and a plain message, counted in the database (SQLite, and PostgreSQL
when configured); windows are tested by ageing the stored rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
from bs4 import BeautifulSoup
from db_fixtures import WRONG_ANSWERS, attempt, csrf, register
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt, UsageEvent, utcnow
from app.limits.usage import CPU

DILEMMA = "/api/lessons/quizzy/dilemmas/phone/responses"
TRACE = {"cell": "gru", "hidden_size": 6, "input": "a small parade"}


@contextmanager
def app_with(settings: Settings, **limits: Any) -> Iterator[FastAPI]:
    app = create_app_with(settings, **limits)
    with TestClient(app):  # one lifespan for every client made below
        yield app


def create_app_with(settings: Settings, **limits: Any) -> FastAPI:
    from app.main import create_app

    return create_app(settings.model_copy(update=limits))


def client_at(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def scalar(settings: Settings, query: Any) -> Any:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        value = s.scalar(query)
    db.dispose()
    return value


def write(settings: Settings, statement: Any = None, rows: list[Any] | None = None) -> None:
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        if statement is not None:
            s.execute(statement)
        s.add_all(rows or [])
        s.commit()
    db.dispose()


def age_usage(settings: Settings, seconds: float) -> None:
    write(settings, update(UsageEvent).values(created_at=utcnow() - timedelta(seconds=seconds)))


def assert_limited(response: httpx.Response, window: int, words: str) -> None:
    assert response.status_code == 429, response.text
    assert 0 < int(response.headers["retry-after"]) <= window + 1
    text = response.json()["detail"] if "json" in response.headers["content-type"] else ""
    if not text:
        text = BeautifulSoup(response.text, "html.parser").get_text(" ")
    assert words in text


# --- answers per student or guest --------------------------------------------------------------


def test_a_student_s_answers_are_limited_per_window(db_settings: Settings) -> None:
    with app_with(db_settings, answer_limit_per_student=3, answer_window_seconds=60) as app:
        ada, bob = client_at(app, "10.0.0.1"), client_at(app, "10.0.0.1")
        register(ada, "ada")
        register(bob, "bob")
        codes = [attempt(ada, q, WRONG_ANSWERS[q]).status_code for q in ("single", "tf", "num")]
        assert codes == [200, 200, 200]
        assert_limited(attempt(ada, "word", "weights"), 60, "answering very fast")
        assert attempt(bob, "word", "weights").status_code == 200, "another student answers"
        assert scalar(db_settings, select(func.count()).select_from(Attempt)) == 4
        age_usage(db_settings, 61)
        assert attempt(ada, "word", "weights").status_code == 200, "a minute later, again"


def test_refused_answers_count_too(db_settings: Settings) -> None:
    # A malformed answer costs no try, but it costs a request: it counts.
    with app_with(db_settings, answer_limit_per_student=2) as app:
        ada = client_at(app, "10.0.0.1")
        register(ada, "ada")
        assert attempt(ada, "num", "not a number").status_code == 422
        assert attempt(ada, "num", 1).status_code == 200
        assert attempt(ada, "num", 2).status_code == 429


def test_a_guest_s_answers_are_limited_and_keep_the_guest(db_settings: Settings) -> None:
    with app_with(db_settings, answer_limit_per_student=2) as app:
        guest = client_at(app, "10.0.0.1")
        assert attempt(guest, "single", "weights").status_code == 200
        assert attempt(guest, "tf", True).status_code == 200
        assert_limited(attempt(guest, "num", 1), 60, "answering very fast")
        other = client_at(app, "10.0.0.1")  # another guest from the same address
        assert attempt(other, "num", 1).status_code == 200


def test_the_answer_form_shows_the_limit_as_a_page(db_settings: Settings) -> None:
    with app_with(db_settings, answer_limit_per_student=1) as app:
        ada = client_at(app, "10.0.0.1")
        register(ada, "ada")
        token = csrf(ada)["X-CSRFToken"]
        form = {"csrf_token": token, "answer": "weights"}
        assert ada.post("/lessons/quizzy/quiz/single", data=form).status_code == 200
        refused = ada.post("/lessons/quizzy/quiz/single", data=form)
        assert refused.headers["content-type"].startswith("text/html")
        assert_limited(refused, 60, "answering very fast")


def respond(client: TestClient, **body: Any) -> httpx.Response:
    return client.post(
        DILEMMA, json={"choice": "rnn", "reason": "small and fast", **body}, headers=csrf(client)
    )


def test_dilemma_responses_count_with_the_student_s_answers(db_settings: Settings) -> None:
    with app_with(db_settings, answer_limit_per_student=2) as app:
        ada = client_at(app, "10.0.0.1")
        register(ada, "ada")
        assert attempt(ada, "single", "weights").status_code == 200
        assert respond(ada, confidence=3).status_code == 200
        assert_limited(respond(ada, choice="lstm", confidence=4), 60, "answering very fast")


def test_anonymous_dilemma_responses_count_per_address(db_settings: Settings) -> None:
    with app_with(db_settings, answer_limit_per_student=2) as app:
        here = [client_at(app, "10.0.0.1") for _ in range(3)]
        assert [respond(c).status_code for c in here] == [200, 200, 429]
        assert respond(client_at(app, "10.0.0.2")).status_code == 200


def test_the_dilemma_form_is_limited_too(db_settings: Settings) -> None:
    with app_with(db_settings, answer_limit_per_student=1) as app:
        guest = client_at(app, "10.0.0.1")
        form = {"csrf_token": csrf(guest)["X-CSRFToken"], "choice": "rnn", "reason": "small"}
        assert guest.post("/lessons/quizzy/dilemmas/phone", data=form).status_code == 200
        refused = guest.post("/lessons/quizzy/dilemmas/phone", data=form)
        assert_limited(refused, 60, "answering very fast")


# --- engine CPU-seconds per client ---------------------------------------------------------------


def cpu_rows(settings: Settings) -> list[tuple[str, float]]:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        found = [
            (k, a)
            for k, a in s.execute(
                select(UsageEvent.key, UsageEvent.amount).where(UsageEvent.kind == CPU)
            )
        ]
    db.dispose()
    return found


def test_engine_cpu_time_is_recorded_per_client_and_hits_cost_nothing(
    db_settings: Settings,
) -> None:
    with app_with(db_settings) as app:
        here = client_at(app, "10.0.0.7")
        assert here.post("/api/engine/trace", json=TRACE).status_code == 200
        [(key, seconds)] = cpu_rows(db_settings)
        assert key == "client:10.0.0.7" and 0 < seconds < 5
        assert here.post("/api/engine/trace", json=TRACE).status_code == 200  # a cache hit
        assert len(cpu_rows(db_settings)) == 1
        r = here.post("/api/engine/train", json={"hidden_size": 4, "steps": 5, "log_every": 5})
        assert r.status_code == 200
        end = json.loads(r.text.strip().splitlines()[-1])
        assert (end["event"], end["reason"], end["step"]) == ("end", "finished", 5)
        assert [k for k, a in cpu_rows(db_settings) if a > 0] == ["client:10.0.0.7"] * 2


def test_a_client_past_its_cpu_seconds_gets_429_until_they_age(db_settings: Settings) -> None:
    window = 900
    with app_with(db_settings, cpu_seconds_per_client=10, cpu_window_seconds=window) as app:
        spent = UsageEvent(kind=CPU, key="client:10.0.0.8", amount=10.0, created_at=utcnow())
        write(db_settings, rows=[spent])
        here = client_at(app, "10.0.0.8")
        assert_limited(here.post("/api/engine/trace", json=TRACE), window, "computing time")
        assert_limited(here.post("/api/engine/train", json={"steps": 5}), window, "computing")
        assert client_at(app, "10.0.0.9").post("/api/engine/trace", json=TRACE).status_code == 200
        age_usage(db_settings, window + 1)
        assert here.post("/api/engine/trace", json=TRACE).status_code == 200
