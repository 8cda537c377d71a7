"""Answering over HTTP: attempts, tries and points, guests, versions, dilemmas, progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from db_fixtures import PASSWORD, QUIZ_YAML, RIGHT_ANSWERS, WRONG_ANSWERS, attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt, DilemmaResponse
from app.main import create_app


def count(settings: Settings, model: type[Attempt] | type[DilemmaResponse]) -> int:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        n = s.scalar(select(func.count()).select_from(model)) or 0
    db.dispose()
    return n


def log_in_again(client: TestClient, username: str = "ada") -> int:
    body = {"username": username, "password": PASSWORD}
    return client.post("/api/auth/login", json=body, headers=csrf(client)).status_code


def engine_answer(client: TestClient) -> list[float]:
    """Compute h_1 from the numbers the API shows this student (as a student would)."""
    import numpy as np

    quiz = client.get("/api/lessons/quizzy/quiz").json()
    given = next(i["question"]["given"] for i in quiz if i["question"]["id"] == "h1")
    m = {g["name"]: np.array(g["rows"]) for g in given}
    a = m["W_ih"] @ m["x_1"] + m["b_ih"] + m["W_hh"] @ m["h_0"] + m["b_hh"]
    return [float(v) for v in np.tanh(a[:, 0])]


def test_right_answer_on_first_try_scores_full(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    r = attempt(quiz_client, "single", "hidden").json()
    assert r["correct"] and r["score"] == 1.0 and r["finished"]
    assert r["attempts_left"] == 0 and r["saved"] and r["attempt"] == 1
    assert r["explanation"] == "SECRET-single-explanation"
    assert r["solution"] == "The hidden state"


def test_wrong_then_right_scores_the_second_tries_points(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    wrong = attempt(quiz_client, "single", "weights").json()
    assert not wrong["correct"] and wrong["score"] == 0 and wrong["attempts_left"] == 2
    assert wrong["feedback"] == ["SECRET-single-feedback"]
    assert wrong["misconceptions"] == ["SECRET-single-misconception"]
    assert wrong["hints"] == ["SECRET-hint-1"]
    assert wrong["explanation"] is None and wrong["solution"] is None, "not before finishing"
    right = attempt(quiz_client, "single", "hidden").json()
    assert right["correct"] and right["score"] == 0.5 and right["best_score"] == 0.5


def test_out_of_tries_is_409_and_reveals_the_explanation_on_the_last(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    register(quiz_client, "ada")
    results = [attempt(quiz_client, "single", "weights") for _ in range(3)]
    assert [r.status_code for r in results] == [200, 200, 200]
    last = results[-1].json()
    assert last["finished"] and last["attempts_left"] == 0
    assert last["explanation"] == "SECRET-single-explanation"
    assert last["hints"] == [], "no hints once no try is left: the explanation says it all"
    assert attempt(quiz_client, "single", "hidden").status_code == 409
    assert count(db_settings, Attempt) == 3


def test_no_hints_after_a_right_answer(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    wrong = attempt(quiz_client, "single", "weights").json()
    assert wrong["hints"] == ["SECRET-hint-1"]
    right = attempt(quiz_client, "single", "hidden").json()
    assert right["correct"] and right["hints"] == []
    quiz = {i["question"]["id"]: i for i in quiz_client.get("/api/lessons/quizzy/quiz").json()}
    assert quiz["single"]["last"]["correct"] and quiz["single"]["last"]["hints"] == []


def test_answered_right_is_finished(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "tf", False)
    assert attempt(quiz_client, "tf", False).status_code == 409


@pytest.mark.parametrize(
    ("qid", "bad"),
    [
        ("single", "nope"),
        ("multi", "input"),
        ("num", "lots"),
        ("num", "6,40,0"),
        ("order", ["project"]),
        ("word", ""),
        ("tf", "maybe"),
        ("h1", [1.0]),
        ("h1", ["0.1", "0.2.3"]),
    ],
)
def test_malformed_answer_is_422_and_uses_no_try(
    quiz_client: TestClient, db_settings: Settings, qid: str, bad: object
) -> None:
    register(quiz_client, "ada")
    response = attempt(quiz_client, qid, bad)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert count(db_settings, Attempt) == 0
    quiz = {i["question"]["id"]: i for i in quiz_client.get("/api/lessons/quizzy/quiz").json()}
    assert quiz[qid]["progress"]["tries"] == 0


def test_numbers_typed_with_separators_are_read_as_meant(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    malformed = attempt(quiz_client, "num", "64,0,0")
    assert malformed.status_code == 422
    assert "Group thousands in threes" in malformed.json()["detail"]
    right = attempt(quiz_client, "num", "640,0").json()
    assert right["correct"] and right["attempt"] == 1, "the malformed answer used no try"


def test_a_malformed_engine_answer_names_the_field(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    response = attempt(quiz_client, "h1", ["0.25", "abc"])
    assert response.status_code == 422
    assert response.json()["detail"].startswith("h₁[1]: ")


def test_missing_answer_field_is_422(quiz_client: TestClient) -> None:
    response = quiz_client.post(
        "/api/lessons/quizzy/quiz/single/attempts", json={}, headers=csrf(quiz_client)
    )
    assert response.status_code == 422


def test_unknown_lesson_or_question_is_404(quiz_client: TestClient) -> None:
    h = csrf(quiz_client)
    assert (
        quiz_client.post(
            "/api/lessons/nope/quiz/single/attempts", json={"answer": 1}, headers=h
        ).status_code
        == 404
    )
    assert attempt(quiz_client, "nope", 1).status_code == 404


def test_guests_are_graded_and_counted_but_keep_no_score(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    r = attempt(quiz_client, "single", "weights").json()
    assert not r["correct"] and not r["saved"] and r["attempts_left"] == 2
    assert "logged in" in r["notice"] and r["best_score"] is None
    assert r["explanation"] is None
    right = attempt(quiz_client, "single", "hidden").json()
    assert right["correct"] and right["explanation"] == "SECRET-single-explanation"
    assert count(db_settings, Attempt) == 2, "a guest's tries are counted on the server"
    assert quiz_client.get("/api/me/progress").status_code == 401


def test_every_type_through_the_api(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    for qid, answer in RIGHT_ANSWERS.items():
        r = attempt(quiz_client, qid, answer).json()
        assert r["correct"], qid
    assert attempt(quiz_client, "h1", engine_answer(quiz_client)).json()["correct"]


def test_partial_credit_through_the_api(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    r = attempt(quiz_client, "multi", ["input"]).json()
    assert not r["correct"] and r["score"] == 0.5  # half the credit, first try's full points
    r = attempt(quiz_client, "multi", ["input", "forget", "reset"]).json()
    assert r["score"] == 0.25 and r["best_score"] == 0.5  # (2-1)/2 credit x 0.5 points


def test_engine_question_numbers_differ_per_student_and_stay_put(
    make_client: Callable[[], TestClient],
) -> None:
    ada, bob = make_client(), make_client()
    register(ada, "ada")
    register(bob, "bob")
    assert engine_answer(ada) == engine_answer(ada)
    assert engine_answer(ada) != engine_answer(bob)
    assert not attempt(bob, "h1", engine_answer(ada)).json()["correct"]
    assert attempt(ada, "h1", engine_answer(ada)).json()["correct"]


def test_progress_per_lesson(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    attempt(quiz_client, "single", "weights")
    attempt(quiz_client, "single", "hidden")  # 0.5
    attempt(quiz_client, "tf", False)  # 1.0
    attempt(quiz_client, "num", 1)  # tried, not done
    (lesson,) = quiz_client.get("/api/me/progress").json()
    assert lesson["slug"] == "quizzy" and lesson["title"] == "Quiz lesson"
    assert lesson["score"] == 1.5 and lesson["max_score"] == lesson["total"] == 7
    assert lesson["questions_done"] == 2 and lesson["questions_tried"] == 3
    by_id = {q["id"]: q for q in lesson["questions"]}
    assert by_id["single"]["best_score"] == 0.5 and by_id["single"]["tries"] == 2
    assert by_id["num"]["attempts_left"] == 4


def test_scores_survive_a_restart(db_settings: Settings) -> None:
    with TestClient(create_app(db_settings)) as client:
        register(client, "ada")
        attempt(client, "tf", False)
    with TestClient(create_app(db_settings)) as client:
        assert log_in_again(client) == 200
        assert client.get("/api/me/progress").json()[0]["score"] == 1.0


def test_editing_the_answer_key_starts_a_new_version(
    db_settings: Settings, quiz_lessons: Path
) -> None:
    with TestClient(create_app(db_settings)) as client:
        register(client, "ada")
        for _ in range(3):
            attempt(client, "single", "weights")
        assert attempt(client, "single", "hidden").status_code == 409
    # reword only: still the same version, still finished
    quiz = quiz_lessons / "quizzy" / "quiz.yaml"
    quiz.write_text(QUIZ_YAML.replace("What carries memory", "What holds memory"))
    with TestClient(create_app(db_settings)) as client:
        log_in_again(client)
        assert attempt(client, "single", "hidden").status_code == 409
    # change which option is right: a new version, tries start again, old rows kept
    edited = QUIZ_YAML.replace(
        "- {id: hidden, text: The hidden state, correct: true}",
        "- {id: hidden, text: The hidden state, correct: true}\n"
        "      - {id: both, text: Both, correct: false, feedback: No.}",
    )
    quiz.write_text(edited)
    with TestClient(create_app(db_settings)) as client:
        log_in_again(client)
        r = attempt(client, "single", "hidden").json()
        assert r["correct"] and r["attempt"] == 1 and r["score"] == 1.0
    db = Database.from_url(db_settings.database_url)
    with db.session(write=False) as s:
        versions = s.scalars(select(Attempt.question_version).distinct()).all()
    db.dispose()
    assert len(versions) == 2


def test_dilemma_response_returns_tradeoffs_and_commentary(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    lesson = quiz_client.get("/api/lessons/quizzy").json()
    assert "SECRET" not in str(lesson["dilemmas"]), "no trade-offs before responding"
    register(quiz_client, "ada")
    response = quiz_client.post(
        "/api/lessons/quizzy/dilemmas/phone/responses",
        json={"choice": "lstm", "reason": "Reviews are long.", "confidence": 4},
        headers=csrf(quiz_client),
    )
    body = response.json()
    assert response.status_code == 200 and body["saved"]
    assert body["commentary"] == "SECRET-commentary"
    assert [o["chosen"] for o in body["options"]] == [False, True]
    assert body["options"][0]["costs"] == ["SECRET-cost-forgets"]
    assert count(db_settings, DilemmaResponse) == 1
    bad = quiz_client.post(
        "/api/lessons/quizzy/dilemmas/phone/responses",
        json={"choice": "gru"},
        headers=csrf(quiz_client),
    )
    assert bad.status_code == 422 and count(db_settings, DilemmaResponse) == 1


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "Choose one of the options before you commit."),
        ({"choice": None}, "Choose one of the options before you commit."),
        ({"choice": ""}, "Choose one of the options before you commit."),
        ({"choice": "gru"}, "Choose one of the options: rnn, lstm."),
        ({"choice": "rnn", "reason": "x" * 2001}, "Keep your reason to 2000 characters; yours"),
        ({"choice": "rnn", "confidence": 3}, "Write a sentence or two on why"),
        ({"choice": "rnn", "reason": "  ", "confidence": 3}, "Write a sentence or two on why"),
        ({"choice": "rnn", "reason": "small"}, "Say how sure you are, from 1"),
        ({"choice": "rnn", "reason": "small", "confidence": 6}, "whole number from 1 to 5"),
        ({"choice": "rnn", "reason": "small", "confidence": 0}, "whole number from 1 to 5"),
        ({"choice": "rnn", "reason": "small", "confidence": "sure"}, "whole number from 1 to 5"),
    ],
)
def test_a_bad_dilemma_response_says_what_is_wrong(
    quiz_client: TestClient, db_settings: Settings, body: dict[str, object], says: str
) -> None:
    register(quiz_client, "ada")
    response = quiz_client.post(
        "/api/lessons/quizzy/dilemmas/phone/responses", json=body, headers=csrf(quiz_client)
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str) and says in response.json()["detail"]
    assert count(db_settings, DilemmaResponse) == 0
    ok = {"choice": "rnn", "reason": "x" * 2000, "confidence": 5}
    assert (
        quiz_client.post(
            "/api/lessons/quizzy/dilemmas/phone/responses", json=ok, headers=csrf(quiz_client)
        ).status_code
        == 200
    ), "2000 characters are allowed"


# --- the lesson page's forms, without JavaScript ------------------------------------------------


def lesson_form(client: TestClient, qid: str) -> tuple[str, dict[str, str]]:
    soup = BeautifulSoup(client.get("/lessons/quizzy").text, "html.parser")
    form = soup.select_one(f"form#q-{qid}")
    assert form is not None
    assert form.select_one("button[type=submit]").get("disabled") is None  # type: ignore[union-attr]
    token = form.select_one("input[name=csrf_token]")
    assert token is not None
    return str(form["action"]), {"csrf_token": str(token["value"])}


def test_html_quiz_form_grades_and_shows_feedback(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    register(quiz_client, "ada")
    action, data = lesson_form(quiz_client, "single")
    response = quiz_client.post(action, data=data | {"answer": "weights"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    result = soup.select_one("form#q-single .feedback.wrong")
    assert result is not None and "SECRET-single-feedback" in result.text
    assert soup.select_one("form#q-single button[type=submit]"), "the form is offered again"
    response = quiz_client.post(action, data=data | {"answer": "hidden"})
    soup = BeautifulSoup(response.text, "html.parser")
    right = soup.select_one("form#q-single .feedback.correct")
    assert right is not None and "SECRET-single-explanation" in right.text
    assert soup.select_one("form#q-single button[type=submit]") is None, "finished"
    assert count(db_settings, Attempt) == 2


def test_html_ordering_and_engine_forms(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    action, data = lesson_form(quiz_client, "order")
    right = data | {"position-project": "1", "position-recur": "2", "position-squash": "3"}
    clash = data | {"position-project": "1", "position-recur": "1", "position-squash": "3"}
    assert quiz_client.post(action, data=clash).status_code == 422
    response = quiz_client.post(action, data=right)
    assert BeautifulSoup(response.text, "html.parser").select_one(".feedback.correct")

    soup = BeautifulSoup(quiz_client.get("/lessons/quizzy").text, "html.parser")
    captions = [c.text for c in soup.select("form#q-h1 table.matrix caption")]
    assert captions == ["W_ih", "b_ih", "W_hh", "b_hh", "h_0", "x_1"]
    assert len(soup.select("form#q-h1 input[name=answer]")) == 2
    action, data = lesson_form(quiz_client, "h1")
    values = [f"{v:.4f}" for v in engine_answer(quiz_client)]
    response = quiz_client.post(action, data=data | {"answer": values})
    assert BeautifulSoup(response.text, "html.parser").select_one(".feedback.correct")


def test_html_out_of_tries_and_guest_notice(quiz_client: TestClient) -> None:
    soup = BeautifulSoup(quiz_client.get("/lessons/quizzy").text, "html.parser")
    assert soup.select_one(".guest-notice") is not None
    action, data = lesson_form(quiz_client, "tf")
    response = quiz_client.post(action, data=data | {"answer": "true"})
    assert "logged in" in BeautifulSoup(response.text, "html.parser").select_one(".notice").text  # type: ignore[union-attr]
    register(quiz_client, "ada")
    action, data = lesson_form(quiz_client, "tf")  # logging in rotated the CSRF token
    quiz_client.post(action, data=data | {"answer": "false"})
    again = quiz_client.post(action, data=data | {"answer": "false"})
    assert again.status_code == 409


def test_html_dilemma_form(quiz_client: TestClient) -> None:
    soup = BeautifulSoup(quiz_client.get("/lessons/quizzy").text, "html.parser")
    form = soup.select_one("form#d-phone")
    assert form is not None
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    response = quiz_client.post(
        str(form["action"]),
        data={"csrf_token": token, "choice": "rnn", "reason": "small", "confidence": "2"},
    )
    soup = BeautifulSoup(response.text, "html.parser")
    assert "SECRET-commentary" in soup.select_one(".commentary").text  # type: ignore[union-attr]
    assert "your choice" in soup.select_one(".tradeoffs li.chosen").text  # type: ignore[union-attr]


def test_my_progress_page(quiz_client: TestClient) -> None:
    response = quiz_client.get("/me/progress", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/me/progress"
    register(quiz_client, "ada")
    attempt(quiz_client, "tf", False)
    soup = BeautifulSoup(quiz_client.get("/me/progress").text, "html.parser")
    assert soup.select_one("#progress-quizzy .score").text == "1.00"  # type: ignore[union-attr]
    row = soup.select_one("tr[data-question=tf]")
    assert row is not None and "Correct" in row.text


def test_instructor_page_and_stats(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    from app.db.models import User

    student, teacher = make_client(), make_client()
    register(student, "ada")
    attempt(student, "single", "weights")
    attempt(student, "single", "hidden")
    register(teacher, "teach")
    assert teacher.get("/api/instructor/stats").status_code == 403
    assert teacher.get("/instructor").status_code == 403
    db = Database.from_url(db_settings.database_url)
    with db.session(write=True) as s:
        user = s.scalar(select(User).where(User.username == "teach"))
        assert user is not None
        user.role = "instructor"
        s.commit()
    db.dispose()
    (lesson,) = teacher.get("/api/instructor/stats").json()
    single = next(q for q in lesson["questions"] if q["id"] == "single")
    assert single["attempts"] == 2 and single["students"] == 1
    assert single["percent_correct"] == 50.0 and single["first_try_correct"] == 0.0
    assert single["common_wrong"] == [
        {"answer": "The weights", "count": 1, "misconceptions": ["SECRET-single-misconception"]}
    ]
    soup = BeautifulSoup(teacher.get("/instructor").text, "html.parser")
    wrong = soup.select_one("tr[data-question=single] .wrong-answers li")
    assert wrong is not None
    assert " ".join(wrong.text.split()) == "The weights ×1 SECRET-single-misconception"


def test_wrong_answers_fixture_really_is_wrong() -> None:
    assert set(WRONG_ANSWERS) >= set(RIGHT_ANSWERS)
