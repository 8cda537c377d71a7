"""Many students answering at once, against a real server with several worker processes."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from db_fixtures import PASSWORD, WRONG_ANSWERS, running_server
from sqlalchemy import func, select

from app.db.database import Database

pytestmark = pytest.mark.slow

USERS = 20
# 20 wrong answers per student, within every question's tries (num allows 5, the rest 3).
PLAN = ["num"] * 5 + ["single", "multi", "tf", "order", "word"] * 3
assert len(PLAN) == 20


def student(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    client.headers["X-CSRFToken"] = token
    response = client.post("/api/auth/register", json={"username": name, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]  # logging in rotated it
    return client


def submit(client: httpx.Client, question_id: str) -> int:
    response = client.post(
        f"/api/lessons/quizzy/quiz/{question_id}/attempts",
        json={"answer": WRONG_ANSWERS[question_id]},
    )
    return response.status_code


def test_20_students_x_20_answers_from_many_threads_and_workers(
    quiz_lessons: Path, database_url: str, tmp_path: Path
) -> None:
    with running_server(quiz_lessons, database_url, tmp_path, workers=3) as base:
        with ThreadPoolExecutor(max_workers=16) as pool:
            clients = list(pool.map(lambda i: student(base, f"student{i:02d}"), range(USERS)))
            jobs = [(c, q) for c in clients for q in PLAN]
            random.Random(0).shuffle(jobs)  # a student's answers race one another too
            statuses = Counter(pool.map(lambda job: submit(*job), jobs))
        for client in clients:
            client.close()

    assert statuses == Counter({200: USERS * len(PLAN)}), "0 errors, 0 refusals"
    db = Database.from_url(database_url)
    from app.db.models import Attempt

    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == USERS * len(PLAN)
        per_question = s.execute(
            select(
                Attempt.user_id, Attempt.question_id, func.count(), func.max(Attempt.number)
            ).group_by(Attempt.user_id, Attempt.question_id)
        ).all()
    db.dispose()
    expected = Counter(PLAN)
    for _, question_id, n, top in per_question:
        assert n == top == expected[question_id], "tries numbered 1..n with no gap or twin"


def test_racing_past_the_last_try_stores_exactly_the_allowed_tries(
    quiz_lessons: Path, database_url: str, tmp_path: Path
) -> None:
    with running_server(quiz_lessons, database_url, tmp_path, workers=2) as base:
        client = student(base, "racer")
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = Counter(pool.map(lambda _: submit(client, "single"), range(10)))
        client.close()
    assert statuses == Counter({200: 3, 409: 7})
