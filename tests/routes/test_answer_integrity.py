"""No answer leaves the server early, for anyone: for every kind of question, as a guest and
as a student, every way in (the JSON API with a claimed try number, the no-JS form, the
enhanced form's fragment, the lesson page, the quiz and lesson APIs) is tried before the
last try, and the explanation and the key appear only once that person has finished."""

from __future__ import annotations

import pytest
import yaml
from db_fixtures import QUIZ_YAML, WRONG_ANSWERS, csrf, register
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.content.schema import Question
from app.quiz.grading import parse_answer
from app.quiz.kinds import kind_of

QUESTIONS = {
    q["id"]: TypeAdapter(Question).validate_python(q)
    for q in yaml.safe_load(QUIZ_YAML)["questions"]
}
EVERY_OPTION = {"multi": ["input", "forget", "reset", "update"]}  # ticking everything


def explanation(qid: str) -> str:
    return {
        "multi": "SECRET-multi-explanation",
        "word": "SECRET-text-explanation",
        "h1": "SECRET-engine-explanation",
    }.get(qid, f"SECRET-{qid}-explanation")


def wrong_form(qid: str, client: TestClient) -> dict[str, object]:
    question = QUESTIONS[qid]
    form = kind_of(question).to_form(question, parse_answer(question, WRONG_ANSWERS[qid]))
    return {**form, "csrf_token": csrf(client)["X-CSRFToken"], "guest_try": "99"}


def everything_a_student_can_read(client: TestClient) -> str:
    return "\n".join(
        client.get(path).text
        for path in ("/lessons/quizzy", "/api/lessons/quizzy", "/api/lessons/quizzy/quiz")
    )


@pytest.mark.parametrize("who", ["guest", "student"])
@pytest.mark.parametrize("qid", sorted(WRONG_ANSWERS))
def test_no_key_before_the_last_try(quiz_client: TestClient, qid: str, who: str) -> None:
    if who == "student":
        register(quiz_client, "ada")
    secret = explanation(qid)
    question = QUESTIONS[qid]
    wrong = EVERY_OPTION.get(qid, WRONG_ANSWERS[qid])
    api = f"/api/lessons/quizzy/quiz/{qid}/attempts"
    tries = [
        lambda: quiz_client.post(
            api, json={"answer": wrong, "guest_try": 99}, headers=csrf(quiz_client)
        ),
        lambda: quiz_client.post(f"/lessons/quizzy/quiz/{qid}", data=wrong_form(qid, quiz_client)),
        lambda: quiz_client.post(
            f"/lessons/quizzy/quiz/{qid}",
            data=wrong_form(qid, quiz_client),
            headers={"X-Parade-Fragment": "1"},
        ),
    ]
    for number in range(1, question.attempts + 1):
        response = tries[(number - 1) % len(tries)]()
        assert response.status_code == 200, response.text
        last = number == question.attempts
        said = response.text + everything_a_student_can_read(quiz_client)
        if not last:
            assert secret not in said, f"try {number} of {question.attempts} showed the key"
            assert "SECRET-multi-feedback" not in said, "which picks were wrong, on try 1"
            if response.headers["content-type"].startswith("application/json"):
                assert response.json()["solution"] is None
        else:
            assert secret in said, "the explanation comes once the question is finished"
