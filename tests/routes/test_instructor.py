"""The instructor's class overview: per question what the class got wrong (with the
misconceptions from quiz.yaml), per dilemma how the class chose."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from bs4 import BeautifulSoup, Tag
from db_fixtures import attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import User


def make_instructor(settings: Settings, username: str) -> None:
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        user.role = "instructor"
        s.commit()
    db.dispose()


def respond(client: TestClient, choice: str) -> None:
    response = client.post("/api/lessons/quizzy/dilemmas/phone/responses",
                           json={"choice": choice}, headers=csrf(client))  # fmt: skip
    assert response.status_code == 200


def forgot_tanh(client: TestClient) -> list[float]:
    """This student's pre-activation a_1: h_1 without its tanh, a slip the grader knows."""
    quiz = client.get("/api/lessons/quizzy/quiz").json()
    given = next(i["question"]["given"] for i in quiz if i["question"]["id"] == "h1")
    m = {g["name"]: np.array(g["rows"]) for g in given}
    a = m["W_ih"] @ m["x_1"] + m["b_ih"] + m["W_hh"] @ m["h_0"] + m["b_hh"]
    return [float(v) for v in a[:, 0]]


def cells(row: Tag) -> list[str]:
    return [" ".join(td.text.split()) for td in row.select("td")]


def test_class_overview_shows_wrong_answers_with_misconceptions_and_choice_splits(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    students = [make_client() for _ in range(4)]
    for i, s in enumerate(students):
        register(s, f"student{i}")
    # single: three students pick "The weights" first, one is right at once.
    for s in students[:3]:
        attempt(s, "single", "weights")
        attempt(s, "single", "hidden")
    attempt(students[3], "single", "hidden")
    # numeric: a known mistake twice, an unknown value once.
    attempt(students[0], "num", 620)
    attempt(students[1], "num", 620.0)
    attempt(students[2], "num", 7)
    # engine: each student has other numbers, but the same slip is grouped.
    for s in students[:2]:
        attempt(s, "h1", forgot_tanh(s))
    attempt(students[2], "h1", [5.0, 5.0])
    # dilemma: three for the LSTM (one changed their mind), one for the plain RNN.
    respond(students[0], "rnn")
    respond(students[0], "lstm")
    for s, choice in zip(students[1:], ["lstm", "lstm", "rnn"], strict=True):
        respond(s, choice)

    teacher = make_client()
    register(teacher, "teach")
    make_instructor(db_settings, "teach")

    (lesson,) = teacher.get("/api/instructor/stats").json()
    stats = {q["id"]: q for q in lesson["questions"]}
    single = stats["single"]
    assert (single["students"], single["attempts"], single["first_try_correct"]) == (4, 7, 25.0)
    assert single["mean_score"] == (0.5 * 3 + 1) / 4
    assert single["common_wrong"] == [
        {"answer": "The weights", "count": 3, "misconceptions": ["SECRET-single-misconception"]}
    ]
    assert stats["num"]["common_wrong"] == [
        {"answer": "620", "count": 2, "misconceptions": []},
        {"answer": "7", "count": 1, "misconceptions": []},
    ]
    engine = stats["h1"]["common_wrong"]
    assert engine[0]["count"] == 2 and engine[0]["answer"].startswith("Forgetting the tanh")
    assert engine[1] == {"answer": "A value that matches no common slip", "count": 1,
                         "misconceptions": []}  # fmt: skip
    (dilemma,) = lesson["dilemmas"]
    assert dilemma["students"] == 4
    assert [(c["text"], c["count"], c["percent"]) for c in dilemma["choices"]] == [
        ("A plain RNN", 1, 25.0), ("An LSTM", 3, 75.0)
    ]  # fmt: skip

    soup = BeautifulSoup(teacher.get("/instructor").text, "html.parser")
    row = soup.select_one("#stats-quizzy tr[data-question=single]")
    assert row is not None
    assert cells(row)[1:5] == ["4", "7", "25%", "0.62"]
    (wrong,) = row.select(".wrong-answers li")
    assert wrong.select_one(".answer").text == "The weights"  # type: ignore[union-attr]
    assert wrong.select_one(".count").text == "×3"  # type: ignore[union-attr]
    assert wrong.select_one(".slip").text == "SECRET-single-misconception"  # type: ignore[union-attr]
    untried = soup.select_one("#stats-quizzy tr[data-question=word]")
    assert untried is not None and cells(untried)[1:] == ["0", "0", "—", "—", "—"]
    split = soup.select_one("#stats-quizzy .stats-dilemma[data-dilemma=phone]")
    assert split is not None
    items = [" ".join(li.text.split()) for li in split.select(".choice-split li")]
    assert items == ["A plain RNN 1 · 25%", "An LSTM 3 · 75%"]
    assert [m["value"] for m in split.select("meter")] == ["25.0", "75.0"]


def test_students_cannot_see_the_overview(make_client: Callable[[], TestClient]) -> None:
    student = make_client()
    register(student, "ada")
    attempt(student, "single", "weights")
    assert student.get("/instructor").status_code == 403
    assert student.get("/api/instructor/stats").status_code == 403
