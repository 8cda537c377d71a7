"""What item analysis asks a kind: its options with the key, which options a STORED answer
picked (read without grading, whatever a row holds), and the misconceptions those reveal."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from app.content.schema import Question
from app.quiz.kinds import kind_of

HOSTILE: list[Any] = [None, {"not": "an answer"}, [[[]]], 10**400, "\ud800", "x" * 5000, 1.5]

WRONG = {"feedback": "No.", "misconception": "Thinks so"}
QUESTIONS: dict[str, dict[str, Any]] = {
    "single": {
        "type": "single",
        "options": [
            {"id": "a", "text": "A", "correct": True},
            {"id": "b", "text": "B", **WRONG},
            {"id": "c", "text": "C", "feedback": "No."},
        ],
    },
    "multiple": {
        "type": "multiple",
        "options": [
            {"id": "a", "text": "A", "correct": True},
            {"id": "b", "text": "B", **WRONG},
            {"id": "c", "text": "C", "correct": True},
        ],
    },
    "true_false": {"type": "true_false", "answer": False, **WRONG},
    "numeric": {"type": "numeric", "answer": 3, "feedback": "No."},
}


def question(name: str) -> Question:
    body = {"id": "q", "prompt": "P?", "explanation": "E.", **QUESTIONS[name]}
    return TypeAdapter(Question).validate_python(body)


def test_single_choice() -> None:
    q = question("single")
    kind = kind_of(q)
    assert [(o.id, o.correct) for o in kind.answer_options(q)] == [
        ("a", True),
        ("b", False),
        ("c", False),
    ]
    assert kind.chosen_options(q, "b") == ["b"]
    assert kind.chosen_options(q, "zz") == []
    assert kind.misconceptions_shown(q, "b") == ["Thinks so"]
    assert kind.misconceptions_shown(q, "c") == []  # wrong, but no misconception named
    assert kind.misconceptions_shown(q, "a") == []


def test_multiple_select_picks_known_options_in_their_order() -> None:
    q = question("multiple")
    kind = kind_of(q)
    assert kind.chosen_options(q, ["c", "a", "zz", 3]) == ["a", "c"]
    assert kind.misconceptions_shown(q, ["a", "b"]) == ["Thinks so"]
    assert kind.misconceptions_shown(q, ["a", "c"]) == []


def test_true_false_names_its_two_options() -> None:
    q = question("true_false")
    kind = kind_of(q)
    options = kind.answer_options(q)
    assert [(o.id, o.correct, o.misconception) for o in options] == [
        ("true", False, "Thinks so"),  # the key is false: "true" reveals the misconception
        ("false", True, None),
    ]
    assert kind.chosen_options(q, True) == ["true"]
    assert kind.chosen_options(q, False) == ["false"]
    assert kind.chosen_options(q, 1) == []  # a number is not a stored boolean
    assert kind.misconceptions_shown(q, True) == ["Thinks so"]
    assert kind.misconceptions_shown(q, False) == []


def test_kinds_without_options_pick_nothing() -> None:
    q = question("numeric")
    kind = kind_of(q)
    assert kind.answer_options(q) == []
    assert kind.chosen_options(q, 3) == []
    assert kind.misconceptions_shown(q, 3) == []


@pytest.mark.parametrize("name", sorted(QUESTIONS))
@pytest.mark.parametrize("stored", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_stored_answers_pick_nothing(name: str, stored: Any) -> None:
    q = question(name)
    kind = kind_of(q)
    assert kind.chosen_options(q, stored) == []
    assert kind.misconceptions_shown(q, stored) == []
