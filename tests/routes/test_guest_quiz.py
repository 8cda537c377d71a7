"""Guests answering the quiz: graded at once, stored nowhere, tries counted by their page, so
hints and the explanation come as they would for a student, and the page says so honestly."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup, Tag
from db_fixtures import csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt

GUEST_LABEL = "Guest: tries aren't counted — log in to keep your score"


def guest_attempt(client: TestClient, qid: str, answer: object, guest_try: int) -> httpx.Response:
    return client.post(
        f"/api/lessons/quizzy/quiz/{qid}/attempts",
        json={"answer": answer, "guest_try": guest_try},
        headers=csrf(client),
    )


def stored(settings: Settings) -> int:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        n = s.scalar(select(func.count()).select_from(Attempt)) or 0
    db.dispose()
    return n


def question_form(html: str, qid: str) -> Tag:
    form = BeautifulSoup(html, "html.parser").select_one(f"form#q-{qid}")
    assert form is not None
    return form


def test_a_guests_tries_unlock_hints_then_the_explanation(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    first = guest_attempt(quiz_client, "single", "weights", 1).json()
    assert not first["finished"] and first["hints"] == ["SECRET-hint-1"]
    assert first["explanation"] is None and first["solution"] is None
    second = guest_attempt(quiz_client, "single", "weights", 2).json()
    assert second["hints"] == ["SECRET-hint-1", "SECRET-hint-2"]
    assert second["explanation"] is None
    last = guest_attempt(quiz_client, "single", "weights", 3).json()
    assert last["finished"] and last["hints"] == []
    assert last["explanation"] == "SECRET-single-explanation"
    assert last["solution"] == "The hidden state"
    for r in (first, second, last):
        assert not r["saved"] and r["attempts_left"] is None and r["attempt"] is None
        assert "not counted" in r["notice"]
    assert stored(db_settings) == 0


def test_a_guest_right_at_once_sees_the_explanation_and_no_hints(quiz_client: TestClient) -> None:
    r = guest_attempt(quiz_client, "single", "hidden", 1).json()
    assert r["correct"] and r["finished"] and r["hints"] == []
    assert r["explanation"] == "SECRET-single-explanation"


def test_a_guest_try_beyond_the_last_counts_as_the_last(quiz_client: TestClient) -> None:
    r = guest_attempt(quiz_client, "single", "weights", 99).json()
    assert r["finished"] and r["explanation"] == "SECRET-single-explanation"
    zero = guest_attempt(quiz_client, "single", "weights", 0).json()
    assert not zero["finished"] and zero["explanation"] is None


def test_students_cannot_claim_a_guest_try(quiz_client: TestClient, db_settings: Settings) -> None:
    register(quiz_client, "ada")
    r = guest_attempt(quiz_client, "single", "weights", 3).json()
    assert r["saved"] and r["attempt"] == 1 and not r["finished"]
    assert r["explanation"] is None
    assert stored(db_settings) == 1


def test_a_malformed_guest_answer_is_422(quiz_client: TestClient) -> None:
    r = guest_attempt(quiz_client, "num", "six", 3)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)


def test_the_lesson_page_tells_a_guest_their_tries_are_not_counted(
    quiz_client: TestClient,
) -> None:
    form = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    assert form["data-guest"] == "true" and form["data-guest-try"] == "1"
    hidden = form.select_one("input[type=hidden][name=guest_try]")
    assert hidden is not None and hidden["value"] == "1"
    attempts = form.select_one(".attempts")
    assert attempts is not None and attempts.text == GUEST_LABEL
    register(quiz_client, "ada")
    form = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    assert form.get("data-guest") is None and form.select_one("[name=guest_try]") is None
    attempts = form.select_one(".attempts")
    assert attempts is not None and attempts.text == "3 tries"


def test_a_guest_without_javascript_counts_tries_in_the_form(quiz_client: TestClient) -> None:
    page = question_form(quiz_client.get("/lessons/quizzy").text, "single")
    token = page.select_one("input[name=csrf_token]")
    assert token is not None
    action, data = str(page["action"]), {"csrf_token": str(token["value"]), "answer": "weights"}
    first = quiz_client.post(action, data=data | {"guest_try": "1"})
    again = question_form(first.text, "single")
    hidden = again.select_one("input[name=guest_try]")
    assert hidden is not None and hidden["value"] == "2"
    attempts = again.select_one(".attempts")
    assert attempts is not None
    assert attempts.text == "Guest: 1 of 3 tries used (not counted) — log in to keep your score"
    result = BeautifulSoup(first.text, "html.parser").select_one(".attempt-result")
    assert result is not None and result.select_one(".explanation") is None
    assert [li.text for li in result.select(".hints li")] == ["SECRET-hint-1"]

    last = BeautifulSoup(
        quiz_client.post(action, data=data | {"guest_try": "3"}).text, "html.parser"
    )
    explanation = last.select_one(".attempt-result .explanation")
    assert explanation is not None and "SECRET-single-explanation" in explanation.text
    assert last.select_one("form.question") is None, "finished: no form to post again"
    assert last.select_one(".attempt-result .hints") is None
