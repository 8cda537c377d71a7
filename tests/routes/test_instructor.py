"""The instructor's class overview: per question what the class got wrong (with the
misconceptions from quiz.yaml), per dilemma how the class chose, who changed their mind and
why they chose as they did."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from bs4 import BeautifulSoup, Tag
from db_fixtures import QUIZ_YAML, attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.database import Database
from app.db.models import DilemmaResponse, User
from app.main import create_app


def make_instructor(settings: Settings, username: str) -> None:
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        user.role = "instructor"
        s.commit()
    db.dispose()


def respond(client: TestClient, choice: str, reason: str = "") -> None:
    """Post a response; one without a reason (as stored before reasons were required) goes
    straight into the table as the student's next round."""
    if reason:
        body = {"choice": choice, "reason": reason, "confidence": 3}
        response = client.post(
            "/api/lessons/quizzy/dilemmas/phone/responses", json=body, headers=csrf(client)
        )
        assert response.status_code == 200
        return
    username = client.get("/api/me").json()["username"]
    with client.app.state.db.session(write=True) as s:  # type: ignore[attr-defined]
        user_id = s.scalar(select(User.id).where(User.username == username))
        taken = s.scalar(
            select(func.count())
            .select_from(DilemmaResponse)
            .where(DilemmaResponse.user_id == user_id)
        )
        s.add(
            DilemmaResponse(
                user_id=user_id,
                lesson_slug="quizzy",
                dilemma_id="phone",
                choice=choice,
                reason="",
                round=taken + 1,
            )
        )
        s.commit()


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
    assert engine[1] == {
        "answer": "A value that matches no common slip",
        "count": 1,
        "misconceptions": [],
    }
    (dilemma,) = lesson["dilemmas"]
    assert dilemma["students"] == 4
    assert [(c["text"], c["count"], c["percent"]) for c in dilemma["choices"]] == [
        ("A plain RNN", 1, 25.0),
        ("An LSTM", 3, 75.0),
    ]

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


LONG_PROMPT = (
    "How many trainable parameters does nn.RNN(10, 20) hold in total, counting both weight "
    "matrices and both bias vectors of its single layer?"
)


def test_overview_shows_class_size_short_prompts_reasons_and_changed_minds(
    db_settings: Settings, quiz_lessons: Path
) -> None:
    quiz = quiz_lessons / "quizzy" / "quiz.yaml"
    quiz.write_text(QUIZ_YAML.replace("How many parameters has nn.RNN(10, 20)?", LONG_PROMPT))
    with TestClient(create_app(db_settings)) as first:
        students = [first] + [TestClient(first.app) for _ in range(4)]
        for i, s in enumerate(students):
            register(s, f"student{i}")
        attempt(students[0], "single", "weights")
        attempt(students[1], "num", 640)
        # dilemma only: still part of the class
        respond(students[2], "rnn", "Small is fine")
        respond(students[2], "lstm", "The commentary convinced me: <b>long</b> reviews")
        respond(students[3], "lstm", "")
        respond(students[3], "lstm", "Reviews are long")
        respond(students[0], "lstm")
        respond(students[0], "rnn")  # changed mind, no reason
        # students[4] answers nothing: not counted
        teacher = TestClient(first.app)
        register(teacher, "teach")
        make_instructor(db_settings, "teach")

        (lesson,) = teacher.get("/api/instructor/stats").json()
        assert lesson["students"] == 4
        types = {q["id"]: q["type_label"] for q in lesson["questions"]}
        assert types["single"] == "single choice" and types["tf"] == "true/false"
        assert types["h1"] == "own numbers" and types["multi"] == "multiple select"
        (d,) = lesson["dilemmas"]
        assert d["students"] == 3 and d["changed_mind"] == 2 and d["reason_count"] == 2
        assert d["reasons"] == [
            {"choice": "An LSTM", "text": "Reviews are long"},
            {"choice": "An LSTM", "text": "The commentary convinced me: <b>long</b> reviews"},
        ]

        soup = BeautifulSoup(teacher.get("/instructor").text, "html.parser")
    section = soup.select_one("#stats-quizzy")
    assert section is not None
    size = section.select_one(".class-size")
    assert size is not None and " ".join(size.text.split()).startswith("4 students answered")
    single = section.select_one("tr[data-question=single] .q-type")
    assert single is not None and single.text == "Q1 · single choice"
    num = section.select_one("tr[data-question=num] .stats-question")
    assert num is not None
    summary = num.select_one("details.prompt summary")
    assert summary is not None and summary["title"] == LONG_PROMPT
    assert len(summary.text) <= 81 and summary.text.endswith("…")
    full = num.select_one("details.prompt p")
    assert full is not None and full.text == LONG_PROMPT
    short = section.select_one("tr[data-question=tf] .stats-question .prompt")
    assert short is not None and short.name == "span", "short prompts are shown whole"
    dilemma = section.select_one(".stats-dilemma[data-dilemma=phone]")
    assert dilemma is not None
    changed = dilemma.select_one(".changed-mind")
    assert changed is not None and " ".join(changed.text.split()).startswith(
        "2 of 3 changed their mind"
    )
    reasons = dilemma.select_one("details.reasons")
    assert reasons is not None and "Reasons given: 2" in reasons.text
    quoted = [q.text for q in reasons.select("li q")]
    assert quoted[1] == "The commentary convinced me: <b>long</b> reviews"
    assert reasons.select("li q b") == [], "reasons are escaped, never HTML"


def test_only_the_latest_few_reasons_are_listed(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    students = [make_client() for _ in range(7)]
    for i, s in enumerate(students):
        register(s, f"student{i}")
        respond(s, "lstm", f"reason {i}")
    teacher = make_client()
    register(teacher, "teach")
    make_instructor(db_settings, "teach")
    (d,) = teacher.get("/api/instructor/stats").json()[0]["dilemmas"]
    assert d["reason_count"] == 7 and d["changed_mind"] == 0
    assert [r["text"] for r in d["reasons"]] == [f"reason {i}" for i in (6, 5, 4, 3, 2)]
    soup = BeautifulSoup(teacher.get("/instructor").text, "html.parser")
    summary = soup.select_one(".stats-dilemma details.reasons summary")
    assert summary is not None and summary.text == "Reasons given: 7 (latest 5 shown)"


def test_the_overview_counts_students_only_and_leaves_hidden_reasons_out(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    student = make_client()
    register(student, "ada")
    attempt(student, "single", "hidden")
    respond(student, "lstm", "Reviews are long")
    other = make_client()
    register(other, "bob")
    respond(other, "rnn", "A secret I should not have written")
    teacher = make_client()
    register(teacher, "teach")
    make_instructor(db_settings, "teach")
    # The instructor tries their own quiz and dilemma: that is not the class.
    attempt(teacher, "single", "weights")
    respond(teacher, "rnn", "Trying my own dilemma")
    with teacher.app.state.db.session(write=True) as s:  # type: ignore[attr-defined]
        bob = s.scalar(select(User.id).where(User.username == "bob"))
        row = s.scalar(select(DilemmaResponse).where(DilemmaResponse.user_id == bob))
        assert row is not None
        row.hidden_at = row.created_at
        s.commit()

    (lesson,) = teacher.get("/api/instructor/stats").json()
    assert lesson["students"] == 2
    single = next(q for q in lesson["questions"] if q["id"] == "single")
    assert (single["students"], single["attempts"], single["common_wrong"]) == (1, 1, [])
    (d,) = lesson["dilemmas"]
    assert d["students"] == 2 and [c["count"] for c in d["choices"]] == [1, 1]
    assert d["reasons"] == [{"choice": "An LSTM", "text": "Reviews are long"}]
    assert d["reason_count"] == 1
    page = teacher.get("/instructor").text
    assert "A secret I should not have written" not in page
    assert "Trying my own dilemma" not in page
