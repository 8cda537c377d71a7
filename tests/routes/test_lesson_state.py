"""The lesson page shows a logged-in student where they left off: every question's tries,
best score, last feedback and (once finished) the explanation; each dilemma's response; the
lesson's summary. Rendered on the server, so it works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from db_fixtures import PASSWORD, QUIZ_YAML, RIGHT_ANSWERS, attempt, csrf, register
from fastapi.testclient import TestClient

from app.config import Settings
from app.content.schema import QuizFile
from app.main import create_app
from app.quiz.grading import parse_answer
from app.quiz.kinds import kind_of
from app.quiz.views import answer_from_form


def lesson_page(client: TestClient) -> BeautifulSoup:
    response = client.get("/lessons/quizzy")
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def form(soup: BeautifulSoup, qid: str) -> Tag:
    found = soup.select_one(f"form#q-{qid}")
    assert found is not None
    return found


def text(tag: Tag, selector: str) -> str:
    found = tag.select_one(selector)
    assert found is not None, selector
    return " ".join(found.text.split())


def respond(client: TestClient, choice: str, reason: str) -> None:
    response = client.post(
        "/api/lessons/quizzy/dilemmas/phone/responses",
        json={"choice": choice, "reason": reason, "confidence": 3},
        headers=csrf(client),
    )
    assert response.status_code == 200


def h1_from_page(soup: BeautifulSoup) -> list[float]:
    """Compute h_1 from the numbers shown on the page, as a student would by hand."""
    m = {
        str(t.caption.text): np.array(
            [[float(td.text) for td in tr.select("td")] for tr in t.select("tr")]
        )
        for t in form(soup, "h1").select("table.matrix")
        if t.caption is not None
    }
    a = m["W_ih"] @ m["x_1"] + m["b_ih"] + m["W_hh"] @ m["h_0"] + m["b_hh"]
    return [float(v) for v in np.tanh(a[:, 0])]


def test_a_wrong_try_shows_its_feedback_and_tries_left_but_no_explanation(
    quiz_client: TestClient,
) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "single", "weights")
    q = form(lesson_page(quiz_client), "single")
    assert q["data-state"] == "open" and q["data-tries"] == "1"
    assert text(q, ".attempts") == "Used 1 of 3 tries · 2 left"
    assert text(q, ".q-score") == "Score 0.00 / 1"
    assert text(q, ".q-badge") == "In progress"
    feedback = q.select_one(".feedback.shown.wrong")
    assert feedback is not None
    assert "SECRET-single-feedback" in feedback.text
    assert "SECRET-single-misconception" in feedback.text
    assert "SECRET-hint-1" in feedback.text and "SECRET-hint-2" not in feedback.text
    assert "SECRET-single-explanation" not in str(q), "no explanation before finishing"
    assert [li.text for li in q.select(".feedback .hints li")] == ["SECRET-hint-1"]
    assert [i["value"] for i in q.select("input[name=answer][checked]")] == ["weights"]
    assert q.select_one("button[type=submit]") is not None, "tries left: the form is open"
    assert q.select_one("fieldset[disabled]") is None


def test_a_question_answered_right_shows_its_result_and_no_submit_button(
    quiz_client: TestClient,
) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "tf", True)
    attempt(quiz_client, "tf", False)
    q = form(lesson_page(quiz_client), "tf")
    assert q["data-state"] == "right" and q["data-finished"] == "true"
    assert text(q, ".q-badge") == "Answered right"
    assert text(q, ".attempts") == "Finished · used 2 of 3 tries"
    assert text(q, ".q-score") == "Score 0.50 / 1"
    assert "You earned 0.50 of 1 point on try 2." in text(q, ".feedback.correct .verdict")
    assert "SECRET-tf-explanation" in text(q, ".feedback .explanation")
    assert q.select_one("button[type=submit]") is None
    assert q.select_one("fieldset[disabled]") is not None
    assert [i["value"] for i in q.select("input[checked]")] == ["false"]


def test_out_of_tries_shows_the_answer_and_explanation(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    for _ in range(3):
        attempt(quiz_client, "single", "weights")
    q = form(lesson_page(quiz_client), "single")
    assert q["data-state"] == "out"
    assert text(q, ".q-badge") == "Out of tries"
    assert text(q, ".attempts") == "Finished · used 3 of 3 tries"
    explanation = text(q, ".feedback.wrong .explanation")
    assert "Answer: The hidden state" in explanation and "SECRET-single-explanation" in explanation
    assert q.select_one("button[type=submit]") is None
    assert q.select_one(".hints") is None, "no hints once no try is left"


def test_a_right_answer_after_a_wrong_one_shows_no_hints(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "single", "weights")
    attempt(quiz_client, "single", "hidden")
    q = form(lesson_page(quiz_client), "single")
    assert q["data-state"] == "right"
    assert "Correct!" in text(q, ".feedback.correct .verdict")
    assert q.select_one(".hints") is None
    assert "SECRET-hint" not in str(q)


def test_every_type_is_filled_in_again_with_the_last_answer(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "multi", ["input", "reset"])
    attempt(quiz_client, "num", "620")
    attempt(quiz_client, "order", ["squash", "recur", "project"])
    attempt(quiz_client, "word", "the weights")
    attempt(quiz_client, "h1", [0.25, -0.5])
    soup = lesson_page(quiz_client)
    multi = form(soup, "multi")
    assert {str(i["value"]) for i in multi.select("input[checked]")} == {"input", "reset"}
    assert text(multi, ".q-score") == "Score 0.00 / 1"  # one right pick, one wrong: no credit
    num = form(soup, "num")
    assert num.select_one("input[name=answer]")["value"] == "620"  # type: ignore[index]
    assert "SECRET-num-mistake-one-bias" in text(num, ".feedback")
    order = form(soup, "order")
    positions = {
        str(s["name"]): str(s.select_one("option[selected]")["value"])  # type: ignore[index]
        for s in order.select("select")
    }
    assert positions == {"position-squash": "1", "position-recur": "2", "position-project": "3"}
    word = form(soup, "word")
    assert word.select_one("input[name=answer]")["value"] == "the weights"  # type: ignore[index]
    values = [str(i["value"]) for i in form(soup, "h1").select("input[name=answer]")]
    assert values == ["0.25", "-0.5"]


def test_the_summary_counts_finished_questions_and_best_scores(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    soup = lesson_page(quiz_client)
    assert text(soup, ".quiz-summary") == "0 of 7 finished · score 0 / 7"
    attempt(quiz_client, "single", "weights")
    attempt(quiz_client, "single", "hidden")  # finished, 0.5
    attempt(quiz_client, "multi", ["input"])  # open, 0.5 partial credit
    attempt(quiz_client, "tf", False)  # finished, 1
    summary = lesson_page(quiz_client).select_one(".quiz-summary")
    assert summary is not None
    assert " ".join(summary.text.split()) == "2 of 7 finished · score 2 / 7"
    assert (summary["data-done"], summary["data-score"], summary["data-total"]) == ("2", "2.0", "7")


def test_guests_see_nothing_stored(make_client: Callable[[], TestClient]) -> None:
    ada, guest = make_client(), make_client()
    register(ada, "ada")
    attempt(ada, "single", "weights")
    respond(ada, "lstm", "long reviews")
    soup = lesson_page(guest)
    assert soup.select_one(".quiz-summary") is None
    assert soup.select(".feedback.shown") == []
    assert soup.select("input[checked]") == [] and soup.select("[data-tries]") == []
    assert "SECRET-" not in str(soup)
    assert text(form(soup, "single"), ".attempts") == ("Guest: 3 tries — log in to keep your score")


def test_a_student_sees_only_their_own_state(make_client: Callable[[], TestClient]) -> None:
    ada, bob = make_client(), make_client()
    register(ada, "ada")
    register(bob, "bob")
    attempt(ada, "tf", False)
    respond(ada, "lstm", "ada's reason")
    soup = lesson_page(bob)
    assert text(soup, ".quiz-summary") == "0 of 7 finished · score 0 / 7"
    assert form(soup, "tf")["data-state"] == "new"
    assert "SECRET-" not in str(soup) and "ada's reason" not in str(soup)


def test_a_dilemma_answered_shows_the_choice_reason_tradeoffs_and_commentary(
    quiz_client: TestClient,
) -> None:
    register(quiz_client, "ada")
    respond(quiz_client, "rnn", "first thought")
    d = lesson_page(quiz_client).select_one("form#d-phone")
    assert d is not None and d["data-state"] == "answered"
    assert [str(i["value"]) for i in d.select("input[checked]")] == ["rnn", "3"]
    assert text(d, "button[type=submit]") == "Revise my answer"
    respond(quiz_client, "lstm", "Reviews are <long>.")  # the revision: both are kept
    d = lesson_page(quiz_client).select_one("form#d-phone")
    assert d is not None and d["data-state"] == "revised"
    assert d.select("input, textarea, button[type=submit]") == [
        d.select_one("input[name=csrf_token]")
    ], "no second revision"
    assert text(d, ".feedback .tradeoffs li.chosen h4") == "An LSTM your choice"
    assert "SECRET-cost-forgets" in text(d, ".feedback .tradeoffs")
    answers = [" ".join(li.text.split()) for li in d.select(".your-answers li")]
    assert answers == [
        "Your first answer: A plain RNN (how sure: 3 of 5) first thought",
        "Your revised answer: An LSTM (how sure: 3 of 5) Reviews are <long>.",
    ]
    assert "SECRET-commentary" in text(d, ".feedback .commentary")


def test_engine_numbers_on_the_page_are_the_students_own_and_grade_right(
    make_client: Callable[[], TestClient],
) -> None:
    ada, bob = make_client(), make_client()
    register(ada, "ada")
    register(bob, "bob")
    ada_h1, bob_h1 = h1_from_page(lesson_page(ada)), h1_from_page(lesson_page(bob))
    assert ada_h1 == h1_from_page(lesson_page(ada)) and ada_h1 != bob_h1
    assert not attempt(ada, "h1", bob_h1).json()["correct"]
    r = attempt(ada, "h1", [round(v, 3) for v in ada_h1]).json()
    assert r["correct"] and r["score"] == 0.5
    q = form(lesson_page(ada), "h1")
    assert q["data-state"] == "right" and "Answer: h_1 = [" in text(q, ".explanation")


def test_the_quiz_api_gives_the_last_result_too(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "single", "weights")
    items = {i["question"]["id"]: i for i in quiz_client.get("/api/lessons/quizzy/quiz").json()}
    last = items["single"]["last"]
    assert last["feedback"] == ["SECRET-single-feedback"] and last["explanation"] is None
    assert last["attempt"] == 1 and last["attempts_left"] == 2
    assert items["tf"]["last"] is None


def test_a_new_version_of_a_question_starts_afresh_on_the_page(
    db_settings: Settings, quiz_lessons: Path
) -> None:
    with TestClient(create_app(db_settings)) as client:
        register(client, "ada")
        attempt(client, "tf", False)
        assert form(lesson_page(client), "tf")["data-state"] == "right"
    quiz = quiz_lessons / "quizzy" / "quiz.yaml"
    quiz.write_text(QUIZ_YAML.replace("answer: false", "answer: true"))
    with TestClient(create_app(db_settings)) as client:
        body = {"username": "ada", "password": PASSWORD}
        assert client.post("/api/auth/login", json=body, headers=csrf(client)).status_code == 200
        soup = lesson_page(client)
        assert form(soup, "tf")["data-state"] == "new"
        assert form(soup, "tf").select_one(".feedback.shown") is None


@pytest.mark.parametrize("qid", ["single", "multi", "tf", "num", "order", "word", "h1"])
def test_form_of_answer_posts_back_the_same_answer(qid: str) -> None:
    quiz = QuizFile.model_validate(yaml.safe_load(QUIZ_YAML))
    question = next(q for q in quiz.questions if q.id == qid)
    raw = RIGHT_ANSWERS.get(qid, [0.125, -0.75])
    answer = parse_answer(question, raw)
    assert parse_answer(
        question, answer_from_form(question, kind_of(question).to_form(question, answer))
    ) == (answer)
