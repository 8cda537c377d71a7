"""Guests answering the quiz: their tries are counted on the server under a guest cookie, so
hints and the explanation come exactly as for a student, and a claimed try number, a fresh
request without cookies or a student leaving theirs out gets no answer early."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup, Tag
from db_fixtures import csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt, User

GUEST_LABEL = "Guest: 3 tries — log in to keep your score"


def guest_attempt(client: TestClient, qid: str, answer: object, **extra: object) -> httpx.Response:
    return client.post(
        f"/api/lessons/quizzy/quiz/{qid}/attempts",
        json={"answer": answer, **extra},
        headers=csrf(client),
    )


def count(settings: Settings, what: type[Attempt] | type[User]) -> int:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        n = s.scalar(select(func.count()).select_from(what)) or 0
    db.dispose()
    return n


def question_form(html: str, qid: str) -> Tag:
    form = BeautifulSoup(html, "html.parser").select_one(f"form#q-{qid}")
    assert form is not None
    return form


def test_a_guests_tries_are_counted_on_the_server(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    first = guest_attempt(quiz_client, "single", "weights").json()
    assert "parade_guest" in quiz_client.cookies
    assert not first["finished"] and first["hints"] == ["SECRET-hint-1"]
    assert first["explanation"] is None and first["solution"] is None
    assert first["attempt"] == 1 and first["attempts_left"] == 2
    second = guest_attempt(quiz_client, "single", "weights").json()
    assert second["hints"] == ["SECRET-hint-1", "SECRET-hint-2"]
    assert second["explanation"] is None
    last = guest_attempt(quiz_client, "single", "weights").json()
    assert last["finished"] and last["hints"] == []
    assert last["explanation"] == "SECRET-single-explanation"
    assert last["solution"] == "The hidden state"
    for r in (first, second, last):
        assert not r["saved"] and r["best_score"] is None and "no score is kept" in r["notice"]
    assert guest_attempt(quiz_client, "single", "hidden").status_code == 409
    assert count(db_settings, Attempt) == 3 and count(db_settings, User) == 1


def test_a_claimed_try_number_is_ignored(quiz_client: TestClient) -> None:
    r = guest_attempt(quiz_client, "single", "weights", guest_try=99).json()
    assert r["attempt"] == 1 and not r["finished"] and r["explanation"] is None


def test_a_guest_right_at_once_sees_the_explanation_and_no_hints(quiz_client: TestClient) -> None:
    r = guest_attempt(quiz_client, "single", "hidden").json()
    assert r["correct"] and r["finished"] and r["hints"] == []
    assert r["explanation"] == "SECRET-single-explanation"


def test_a_student_leaving_out_their_cookie_is_a_new_guest_with_its_own_count(
    make_client: object, db_settings: Settings
) -> None:
    student = make_client()  # type: ignore[operator]
    register(student, "ada")
    stranger = make_client()  # type: ignore[operator]
    r = guest_attempt(stranger, "single", "weights").json()
    assert r["attempt"] == 1 and r["explanation"] is None
    mine = guest_attempt(student, "single", "weights").json()
    assert mine["saved"] and mine["attempt"] == 1


def test_a_guest_cookie_is_not_a_login(quiz_client: TestClient) -> None:
    guest_attempt(quiz_client, "single", "weights")
    token = quiz_client.cookies["parade_guest"]
    quiz_client.cookies.set("parade_session", token)
    assert quiz_client.get("/api/me").status_code == 401
    login = quiz_client.post(
        "/api/auth/login",
        json={"username": "guest-0000000000000000", "password": "!"},
        headers=csrf(quiz_client),
    )
    assert login.status_code == 401


def test_guests_are_left_out_of_the_class_overview(
    make_client: object, db_settings: Settings
) -> None:
    guest = make_client()  # type: ignore[operator]
    guest_attempt(guest, "single", "weights")
    teacher = make_client()  # type: ignore[operator]
    register(teacher, "teach")
    db = Database.from_url(db_settings.database_url)
    with db.session(write=True) as s:
        s.execute(update(User).where(User.username == "teach").values(role="instructor"))
        s.commit()
    db.dispose()
    stats = teacher.get("/api/instructor/stats").json()[0]
    single = next(q for q in stats["questions"] if q["id"] == "single")
    assert stats["students"] == 0 and single["attempts"] == 0


def test_a_malformed_guest_answer_is_422_and_stores_no_try(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    r = guest_attempt(quiz_client, "num", "six")
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
    assert "parade_guest" in quiz_client.cookies, "the guest started keeps its cookie"
    assert guest_attempt(quiz_client, "num", "seven").status_code == 422
    assert count(db_settings, Attempt) == 0 and count(db_settings, User) == 1


def test_the_lesson_page_keeps_a_guests_tries(quiz_client: TestClient) -> None:
    form = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    assert form["data-guest"] == "true" and form.select_one("[name=guest_try]") is None
    attempts = form.select_one(".attempts")
    assert attempts is not None and attempts.text == GUEST_LABEL
    guest_attempt(quiz_client, "single", "weights")
    form = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    attempts = form.select_one(".attempts")
    assert attempts is not None
    assert attempts.text == "Guest: used 1 of 3 tries · 2 left — log in to keep your score"
    register(quiz_client, "ada")
    form = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    attempts = form.select_one(".attempts")
    assert form.get("data-guest") is None
    assert attempts is not None and attempts.text == "3 tries"


def test_a_guest_without_javascript_gets_the_same_count(quiz_client: TestClient) -> None:
    page = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    token = page.select_one("input[name=csrf_token]")
    assert token is not None
    action, data = str(page["action"]), {"csrf_token": str(token["value"]), "answer": "weights"}
    first = question_form(quiz_client.post(action, data=data | {"guest_try": "3"}).text, "single")
    assert first.select_one(".explanation") is None
    assert [li.text for li in first.select(".hints li")] == ["SECRET-hint-1"]
    quiz_client.post(action, data=data)
    last = question_form(quiz_client.post(action, data=data).text, "single")
    explanation = last.select_one(".explanation")
    assert explanation is not None and "SECRET-single-explanation" in explanation.text
    assert last.select_one("button[type=submit]") is None, "finished: nothing to post again"
