"""Typed input end to end, and pages no stored row can break.

Text no one could type (NUL and other control characters, unpaired surrogates, Unicode
non-characters) is refused with a plain 422 on every text field, before anything is stored;
numbers are bounded before conversion; and rows written straight into the database, past
every check, still leave the instructor's pages and the student's page at 200."""

from __future__ import annotations

import json

import pytest
import yaml
from bs4 import BeautifulSoup
from db_fixtures import QUIZ_YAML, count_rows, csrf, register
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import select, text

from app.config import Settings
from app.content.schema import Question
from app.db.database import Database
from app.db.models import Attempt, DilemmaResponse, User
from app.quiz.grading import question_version

BAD_TEXT = ["\ud800", "a\x00b", "\x1b[31m", "\ufffe", "ok\udfffok"]


def rows(settings: Settings) -> int:
    return count_rows(settings, Attempt, DilemmaResponse)


def post_json(client: TestClient, path: str, body: str) -> int:
    # Sent as raw JSON text: "\ud800" must reach the server as the JSON escape it is.
    headers = {"Content-Type": "application/json", **csrf(client)}
    return client.post(path, content=body.encode(), headers=headers).status_code


@pytest.mark.parametrize("bad", BAD_TEXT)
def test_text_no_one_could_type_is_refused_everywhere(
    quiz_client: TestClient, db_settings: Settings, bad: str
) -> None:
    register(quiz_client, "ada")
    escaped = json.dumps(bad)  # ASCII JSON with \\u escapes
    assert (
        post_json(quiz_client, "/api/lessons/quizzy/quiz/word/attempts", f'{{"answer": {escaped}}}')
        == 422
    )
    assert (
        post_json(
            quiz_client, "/api/lessons/quizzy/quiz/multi/attempts", f'{{"answer": [{escaped}]}}'
        )
        == 422
    )
    body = f'{{"choice": "lstm", "reason": {escaped}}}'
    assert post_json(quiz_client, "/api/lessons/quizzy/dilemmas/phone/responses", body) == 422
    login = f'{{"username": {escaped}, "password": "whatever long"}}'
    assert post_json(quiz_client, "/api/auth/login", login) == 422
    if "\ud800" not in bad and "\udfff" not in bad:  # a form can't carry a lone surrogate
        form = {"csrf_token": csrf(quiz_client)["X-CSRFToken"], "choice": "lstm", "reason": bad}
        page = quiz_client.post("/lessons/quizzy/dilemmas/phone", data=form)
        assert page.status_code == 422 and "control characters" in page.text
    assert rows(db_settings) == 0


@pytest.mark.parametrize("big", ["1" + "0" * 400, "-" + "9" * 401, "1e999"])
def test_huge_numbers_are_a_plain_422(quiz_client: TestClient, big: str) -> None:
    for qid, body in (("num", big), ("h1", f"[{big}, 0]")):
        response = quiz_client.post(
            f"/api/lessons/quizzy/quiz/{qid}/attempts",
            content=f'{{"answer": {body}}}'.encode(),
            headers={"Content-Type": "application/json", **csrf(quiz_client)},
        )
        assert response.status_code == 422, (qid, response.text)
        assert "too large" in response.text or "number" in response.text


HOSTILE_ANSWERS = [
    '"\\ud800"',
    '"<script>alert(1)</script>"',
    '{"not": "an answer"}',
    "[[[[[]]]]]",
    "1" + "0" * 400,
    '"' + "x" * 5000 + '"',
    "null",
]


def test_stored_hostile_rows_break_no_page(
    make_client: object, db_settings: Settings, database_url: str
) -> None:
    student = make_client()  # type: ignore[operator]
    register(student, "ada")
    teacher = make_client()  # type: ignore[operator]
    register(teacher, "teach")
    db = Database.from_url(database_url)
    with db.session(write=True) as s:
        ada = s.scalar(select(User.id).where(User.username == "ada"))
        s.execute(text("UPDATE users SET role = 'instructor' WHERE username = 'teach'"))
        s.commit()
        stored = 0
        for qid in ("single", "multi", "tf", "num", "order", "word", "h1"):
            for number, answer in enumerate(HOSTILE_ANSWERS, 1):
                # Straight into the table, past every check (the version of each question
                # as the app computes it, so the rows count as current ones).
                try:
                    s.execute(
                        text(
                            "INSERT INTO attempts (user_id, lesson_slug, question_id, "
                            "question_version, number, answer, score, correct, created_at) "
                            "VALUES (:u, 'quizzy', :q, :v, :n, :a, 0, false, :t)"
                        ),
                        {
                            "u": ada,
                            "q": qid,
                            "v": _version(qid),
                            "n": number,
                            "a": answer,
                            "t": "2026-01-01 00:00:00+00:00",
                        },
                    )
                    s.commit()
                    stored += 1
                except Exception:  # a database may refuse a row (PostgreSQL: NUL, bad JSON)
                    s.rollback()
        for round_, reason in enumerate(("<b>bold</b>\ud800", '=HYPERLINK("x")', "\x00nul"), 1):
            try:
                s.add(
                    DilemmaResponse(
                        user_id=ada,
                        lesson_slug="quizzy",
                        dilemma_id="phone",
                        choice="lstm",
                        reason=reason,
                        round=round_,
                    )
                )
                s.commit()
                stored += 1
            except Exception:
                s.rollback()
        s.add(
            DilemmaResponse(
                user_id=ada,
                lesson_slug="quizzy",
                dilemma_id="phone",
                choice="gone-option",
                reason="x",
                round=9,
            )
        )
        s.commit()
    db.dispose()
    assert stored >= 20, "most hostile rows reach the table"
    gradebook_paths = (
        "/instructor/gradebook",
        "/instructor/gradebook?sort=score&order=desc",
        "/instructor/export/course-gradebook.csv",
        "/instructor/lessons/quizzy/gradebook",
        "/instructor/lessons/quizzy/gradebook?sort=last&order=desc",
        "/instructor/lessons/quizzy/export/gradebook.csv",
        "/instructor/lessons/quizzy/export/attempts.csv",
        "/instructor/lessons/quizzy/export/dilemmas.csv",
        f"/instructor/students/{ada}",
    )
    analysis_paths = (
        "/instructor/lessons/quizzy/items",
        "/api/instructor/lessons/quizzy/items",
        "/instructor/lessons/quizzy/dilemmas",
        "/api/instructor/lessons/quizzy/dilemmas",
    )
    for path in ("/instructor", "/api/instructor/stats", *gradebook_paths, *analysis_paths):
        response = teacher.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    for path in (
        "/instructor",
        f"/instructor/students/{ada}",
        "/instructor/lessons/quizzy/items",
        "/instructor/lessons/quizzy/dilemmas",
    ):
        assert "<script>alert(1)</script>" not in teacher.get(path).text, "escaped"
    for path in (
        "/lessons/quizzy",
        "/api/lessons/quizzy/quiz",
        "/api/lessons/quizzy/dilemmas/phone",
        "/me/progress",
        "/api/me/progress",
        "/me/record",
        "/me/record.csv",
    ):
        assert student.get(path).status_code == 200, path
    assert "<script>alert(1)</script>" not in student.get("/me/record").text, "escaped"


def _version(qid: str) -> str:
    found = next(q for q in yaml.safe_load(QUIZ_YAML)["questions"] if q["id"] == qid)
    return question_version(TypeAdapter(Question).validate_python(found))


def test_a_reason_with_a_script_is_escaped_for_students_and_the_instructor(
    make_client: object, db_settings: Settings, database_url: str
) -> None:
    payload = '<script>alert("peer")</script><img src=x onerror=alert(1)>'
    mallory, ada, cy, teacher = (make_client() for _ in range(4))  # type: ignore[operator]
    for client, name, choice, reason in (  # three answers: the class is shown from three
        (mallory, "mallory", "rnn", payload),
        (ada, "ada", "lstm", "long reviews"),
        (cy, "cyd", "lstm", "memory"),
    ):
        register(client, name)
        body = {"choice": choice, "reason": reason, "confidence": 3}
        response = client.post(
            "/api/lessons/quizzy/dilemmas/phone/responses", json=body, headers=csrf(client)
        )
        assert response.status_code == 200
    register(teacher, "teach")
    db = Database.from_url(database_url)
    with db.session(write=True) as s:
        s.execute(text("UPDATE users SET role = 'instructor' WHERE username = 'teach'"))
        s.commit()
    db.dispose()
    for client, path, where in (
        (ada, "/lessons/quizzy", ".peer-reasons q"),
        (teacher, "/instructor/lessons/quizzy/dilemmas", ".discussion-reasons q"),
    ):
        page = client.get(path)
        assert page.status_code == 200 and payload not in page.text, path
        soup = BeautifulSoup(page.text, "html.parser")
        assert payload in [q.text for q in soup.select(where)], "shown as text"
        assert soup.select("main script, main img") == [], "never as HTML"
