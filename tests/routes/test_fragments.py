"""One rendering path: after an answer, the enhanced form gets the question (or dilemma)
rendered by the same macro as the lesson page, so the fragment equals what a reload shows."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from db_fixtures import csrf, register
from fastapi.testclient import TestClient

FRAGMENT = {"X-Parade-Fragment": "1"}


def post_form(client: TestClient, path: str, data: dict[str, str]) -> tuple[int, BeautifulSoup]:
    headers = FRAGMENT | csrf(client)
    response = client.post(path, data=data, headers=headers)
    return response.status_code, BeautifulSoup(response.text, "html.parser")


def shown(form: Tag) -> str:
    """Return the form as a student sees it: its text and state, without the CSRF token."""
    for token in form.select("[name=csrf_token]"):
        token.decompose()
    return " ".join(form.get_text(" ").split()) + repr(sorted(form.attrs.items()))


def page_form(client: TestClient, form_id: str) -> Tag:
    page = BeautifulSoup(client.get("/lessons/quizzy").text, "html.parser")
    form = page.select_one(f"form#{form_id}")
    assert form is not None
    return form


def test_a_students_answer_fragment_is_what_the_lesson_page_then_shows(
    quiz_client: TestClient,
) -> None:
    register(quiz_client, "ada")
    status, fragment = post_form(quiz_client, "/lessons/quizzy/quiz/tf", {"answer": "true"})
    assert status == 200
    form = fragment.select_one("form#q-tf")
    assert form is not None and form["data-state"] == "open"
    assert "SECRET-tf-feedback" in form.get_text() and "SECRET-tf-explanation" not in str(form)
    assert shown(form) == shown(page_form(quiz_client, "q-tf"))
    summary = fragment.select_one("#quiz-summary")
    assert summary is not None and summary["data-done"] == "0"

    status, fragment = post_form(quiz_client, "/lessons/quizzy/quiz/tf", {"answer": "false"})
    form = fragment.select_one("form#q-tf")
    assert form is not None and form["data-state"] == "right"
    assert "SECRET-tf-explanation" in form.get_text()
    assert form.select_one("button[type=submit]") is None, "a finished question has no submit"
    assert shown(form) == shown(page_form(quiz_client, "q-tf"))
    done = fragment.select_one("#quiz-summary")
    assert done is not None and done["data-done"] == "1" and done["data-score"] == "0.5"


def test_a_guests_fragment_is_what_their_next_page_load_shows(quiz_client: TestClient) -> None:
    status, fragment = post_form(quiz_client, "/lessons/quizzy/quiz/single", {"answer": "weights"})
    form = fragment.select_one("form#q-single")
    assert status == 200 and form is not None
    assert "used 1 of 3 tries" in form.get_text() and "SECRET-single-feedback" in form.get_text()
    assert fragment.select_one("#quiz-summary") is None, "guests have no totals"
    assert shown(form) == shown(page_form(quiz_client, "q-single"))


def test_a_refused_answer_comes_back_as_a_plain_message(quiz_client: TestClient) -> None:
    status, fragment = post_form(quiz_client, "/lessons/quizzy/quiz/num", {"answer": "lots"})
    assert status == 422
    assert "Write a number" in fragment.get_text() and "Traceback" not in fragment.get_text()


def test_a_dilemma_fragment_is_the_dilemma_with_its_tradeoffs(quiz_client: TestClient) -> None:
    register(quiz_client, "bea")
    data = {"choice": "lstm", "reason": "<script>x</script> long reviews", "confidence": "4"}
    status, fragment = post_form(quiz_client, "/lessons/quizzy/dilemmas/phone", data)
    form = fragment.select_one("form#d-phone")
    assert status == 200 and form is not None and form["data-state"] == "answered"
    assert "SECRET-commentary" in form.get_text() and "SECRET-cost-4x" in form.get_text()
    assert form.select_one("script") is None, "the reason is escaped"
    assert shown(form) == shown(page_form(quiz_client, "d-phone"))
