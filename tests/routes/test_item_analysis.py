"""The item-analysis page and its JSON: instructors only, 404 for an unknown lesson, numbers
from the stored tries (a class of twelve whose first-try facility is counted by hand), the
thresholds and the choices made stated on the page, and a link from the class overview."""

from __future__ import annotations

from collections.abc import Callable

from bs4 import BeautifulSoup
from db_fixtures import register
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt, User, utcnow
from app.instructor import items
from app.main import create_app
from app.quiz.grading import question_version

PAGE = "/instructor/lessons/quizzy/items"
API = "/api/instructor/lessons/quizzy/items"


def seed(settings: Settings) -> None:
    """Store twelve students' tries at "single": nine right at once, three wrong and then
    right at half points; and a guest's right try, which must be left out."""
    lesson = create_app(settings).state.lessons.snapshot.lessons["quizzy"]
    single = lesson.question("single")
    version = question_version(single)
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        for k in range(13):
            role = "guest" if k == 12 else "student"
            user = User(username=f"s{k}", password_hash="x", role=role)
            s.add(user)
            s.flush()
            tries = [("hidden", 1.0)] if k < 9 or k == 12 else [("weights", 0.0), ("hidden", 0.5)]
            for number, (answer, score) in enumerate(tries, 1):
                s.add(
                    Attempt(
                        user_id=user.id,
                        lesson_slug="quizzy",
                        question_id="single",
                        question_version=version,
                        number=number,
                        answer=answer,
                        score=score,
                        correct=score > 0,
                        created_at=utcnow(),
                    )
                )
        s.commit()
    db.dispose()


def instructor(make_client: Callable[[], TestClient], settings: Settings) -> TestClient:
    teacher = make_client()
    register(teacher, "teach")
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        s.execute(update(User).where(User.username == "teach").values(role="instructor"))
        s.commit()
        assert s.scalar(select(User.role).where(User.username == "teach")) == "instructor"
    db.dispose()
    return teacher


def test_only_instructors_see_item_analysis(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    anonymous = make_client()
    assert anonymous.get(API).status_code == 401
    student = make_client()
    register(student, "ada")
    assert student.get(API).status_code == 403
    assert student.get(PAGE).status_code == 403
    teacher = instructor(make_client, db_settings)
    assert teacher.get(API).status_code == 200
    assert teacher.get(PAGE).status_code == 200
    for path in (API, PAGE):
        assert teacher.get(path.replace("quizzy", "nope")).status_code == 404
    # A student asking for an unknown lesson learns nothing about which lessons exist.
    assert student.get(API.replace("quizzy", "nope")).status_code == 403


def test_json_counts_first_and_best_tries(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    seed(db_settings)
    body = instructor(make_client, db_settings).get(API).json()
    assert body["students"] == 12  # the guest is left out
    single = next(i for i in body["items"] if i["id"] == "single")
    assert single["first"]["students"] == 12
    assert single["first"]["facility"] == 0.75  # 9 of 12 right at once
    assert single["best"]["facility"] == round((9 + 3 * 0.5) / 12, 4)
    # No other question was tried: its rest score is constant, so nothing correlates.
    assert single["first"]["discrimination"] is None
    assert single["status"] == "review"
    picked = {o["id"]: o["chosen"] for o in single["options"]}
    assert picked == {"hidden": 9, "weights": 3}
    assert body["thresholds"]["min_students"] == items.MIN_STUDENTS
    assert body["misconceptions"] == [
        {"text": "SECRET-single-misconception", "students": 3, "questions": ["single"]}
    ]


def test_page_shows_numbers_thresholds_and_choices(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    seed(db_settings)
    teacher = instructor(make_client, db_settings)
    soup = BeautifulSoup(teacher.get(PAGE).text, "html.parser")
    row = soup.select_one('.items-table tbody tr[data-question="single"]')
    assert row is not None and row["data-status"] == "review"
    numbers = [" ".join(td.text.split()) for td in row.select("td.num")]
    assert numbers[:2] == ["12", "0.75"]  # students, first-try facility
    assert numbers[5] == "0.88"  # best-try facility (0.875)
    assert numbers[3] == "n/a"  # discrimination, with no other question tried
    untried = soup.select_one('.items-table tbody tr[data-question="num"]')
    assert untried is not None and untried["data-status"] == "not enough data"
    shown = {s["data-threshold"]: float(s.text) for s in soup.select("[data-threshold]")}
    assert shown == {
        "too_easy": items.TOO_EASY,
        "too_hard": items.TOO_HARD,
        "low_discrimination": items.LOW_DISCRIMINATION,
        "bad_distractor": items.BAD_DISTRACTOR,
    }
    min_students = soup.select_one(".min-students")
    assert min_students is not None and int(min_students.text) == items.MIN_STUDENTS
    how = soup.select_one(".how-to-read")
    assert how is not None
    for choice in ("current version", "first try", "best try", "counts 0", "guests"):
        assert choice in how.text
    options = soup.select('#item-single .options-table tbody tr[data-option="weights"]')
    assert [c.text for c in options[0].select("td")][:3] == ["wrong", "3", "25%"]
    assert all(th.has_attr("scope") for th in soup.select(".item-analysis th"))
    misconception = soup.select_one(".misconceptions-table tbody tr")
    assert misconception is not None
    assert [c.text.strip() for c in misconception.select("th, td")] == [
        "SECRET-single-misconception",
        "3",
        "single",
    ]
    overview = BeautifulSoup(teacher.get("/instructor").text, "html.parser")
    assert overview.select_one(f'a[href="{PAGE}"]') is not None
