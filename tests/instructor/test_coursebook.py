"""The course gradebook: one row per student, one column per lesson in course order, totals
against hand-computed values, the same numbers in the page, the CSV and each lesson's own
gradebook, and instructors only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from db_fixtures import QUIZ_LESSON_MD, QUIZ_YAML, attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.config import Settings
from app.db.database import Database
from app.db.models import User

SECOND_MD = (
    QUIZ_LESSON_MD.replace("title: Quiz lesson", "title: Second lesson")
    .replace("slug: quizzy", "slug: second")
    .replace("order: 1", "order: 2")
)


@pytest.fixture
def two_lessons(quiz_lessons: Path) -> Path:
    """quizzy (lesson 1) and second (lesson 2), each with the same 7 questions."""
    folder = quiz_lessons / "second"
    folder.mkdir()
    (folder / "lesson.md").write_text(SECOND_MD, encoding="utf-8")
    (folder / "quiz.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    return quiz_lessons


def attempt_in(client: TestClient, slug: str, qid: str, answer: object) -> float:
    r = client.post(
        f"/api/lessons/{slug}/quiz/{qid}/attempts", json={"answer": answer}, headers=csrf(client)
    )
    assert r.status_code == 200, r.text
    score = r.json()["score"]
    assert isinstance(score, float)
    return score


@pytest.fixture
def course(
    two_lessons: Path, make_client: Callable[[], TestClient], db_settings: Settings
) -> dict[str, TestClient]:
    clients = {name: make_client() for name in ("ada", "bob", "carl", "teach")}
    for name, client in clients.items():
        register(client, name)
    db = Database.from_url(db_settings.database_url)
    with db.session(write=True) as s:
        s.execute(update(User).where(User.username == "teach").values(role="instructor"))
        s.commit()
    db.dispose()
    ada, bob, teach = clients["ada"], clients["bob"], clients["teach"]
    assert attempt(ada, "tf", False).json()["score"] == 1.0  # quizzy: 1
    assert attempt_in(ada, "second", "single", "weights") == 0.0
    assert attempt_in(ada, "second", "single", "hidden") == 0.5  # second: 0.5
    assert attempt_in(bob, "second", "num", 640) == 1.0  # bob: second 1
    assert attempt_in(bob, "second", "tf", False) == 1.0  # second 2
    attempt_in(teach, "second", "tf", False)  # an instructor is no one's grade
    return clients


def table_rows(html: str) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").select_one("table.gradebook-table")
    assert table is not None
    return [
        [" ".join(c.text.split()) for c in tr.select("th, td")] for tr in table.select("tbody tr")
    ]


def test_course_gradebook_adds_up_each_lesson(course: dict[str, TestClient]) -> None:
    response = course["teach"].get("/instructor/gradebook")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    heads = [" ".join(th.text.split()) for th in soup.select("thead th")]
    assert heads[2:4] == ["1. Quiz lesson", "2. Second lesson"], "lessons in course order"
    links = [a["href"] for a in soup.select("thead th[data-lesson] a")]
    assert links == ["/instructor/lessons/quizzy/gradebook", "/instructor/lessons/second/gradebook"]
    rows = table_rows(response.text)
    assert [r[0] for r in rows] == ["ada", "bob", "carl"]
    ada, bob, carl = rows
    # 14 questions in all; ada 1 + 0.5 = 1.5 (11%), bob 0 + 2 = 2 (14%).
    assert ada[1:5] == ["1.50 / 14 11%", "1.00 / 7", "0.50 / 7", "3"]
    assert bob[1:5] == ["2.00 / 14 14%", "—", "2.00 / 7", "2"]
    assert carl[1:5] == ["0.00 / 14 0%", "—", "—", "0"]
    # The same numbers as each lesson's own gradebook.
    second = table_rows(course["teach"].get("/instructor/lessons/second/gradebook").text)
    assert [r[1] for r in second] == ["0.50 / 7 7%", "2.00 / 7 29%", "0.00 / 7 0%"]


def test_course_gradebook_sorts_by_course_score(course: dict[str, TestClient]) -> None:
    html = course["teach"].get("/instructor/gradebook?sort=score&order=desc").text
    assert [r[0] for r in table_rows(html)] == ["bob", "ada", "carl"]
    (marked,) = BeautifulSoup(html, "html.parser").select("thead th[aria-sort]")
    assert marked["aria-sort"] == "descending" and "Course score" in marked.text


def test_course_csv_matches_the_page(course: dict[str, TestClient]) -> None:
    response = course["teach"].get("/instructor/export/course-gradebook.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    by_name = {r["username"]: r for r in rows}
    assert set(by_name) == {"ada", "bob", "carl"}
    ada = by_name["ada"]
    assert (ada["score"], ada["max_score"], ada["quizzy score"], ada["second score"]) == (
        "1.5",
        "14",
        "1.0",
        "0.5",
    )
    assert by_name["bob"]["tries"] == "2" and by_name["carl"]["last_activity"] == ""


def test_students_cannot_see_the_course_gradebook(course: dict[str, TestClient]) -> None:
    for path in ("/instructor/gradebook", "/instructor/export/course-gradebook.csv"):
        assert course["ada"].get(path).status_code == 403, path


def test_the_overview_links_the_course_gradebook(course: dict[str, TestClient]) -> None:
    soup = BeautifulSoup(course["teach"].get("/instructor").text, "html.parser")
    hrefs = [a["href"] for a in soup.select("#course .downloads a")]
    assert hrefs == ["/instructor/gradebook", "/instructor/export/course-gradebook.csv"]
