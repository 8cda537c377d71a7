"""Confidence levels and calibration: parsing, wording, and the counts read from the database."""

from __future__ import annotations

import pytest

from app.db.database import Database
from app.db.models import Attempt, User
from app.quiz.confidence import (
    calibration,
    confidence_from_form,
    parse_confidence,
    right_in_words,
)
from app.quiz.errors import MalformedAnswer


@pytest.mark.parametrize(
    ("value", "level"), [(None, None), ("", None), (1, 1), ("5", 5), (" 3 ", 3)]
)
def test_parse_confidence(value: object, level: int | None) -> None:
    assert parse_confidence(value) == level


@pytest.mark.parametrize("value", [0, 6, -1, "high", "2.5", 2.0, True, [3], "\ud800"])
def test_a_garbled_confidence_is_refused(value: object) -> None:
    with pytest.raises(MalformedAnswer, match="1 \\(guessing\\) to 5 \\(certain\\)"):
        parse_confidence(value)


def test_the_form_posts_one_level_or_none() -> None:
    assert confidence_from_form({}) is None
    assert confidence_from_form({"confidence": ["4"]}) == 4
    with pytest.raises(MalformedAnswer, match="one"):
        confidence_from_form({"confidence": ["4", "5"]})


@pytest.mark.parametrize(
    ("right", "tries", "words"),
    [
        (9, 10, "9 times in 10"),
        (17, 20, "9 times in 10"),  # 8.5: halves round up, as a reader would
        (3, 12, "3 times in 10"),  # 2.5
        (1, 12, "1 time in 10"),  # 0.83
        (0, 10, "0 times in 10"),
        (1, 1, "1 time out of 1"),
        (2, 3, "2 times out of 3"),
        (0, 4, "0 times out of 4"),
    ],
)
def test_right_in_words(right: int, tries: int, words: str) -> None:
    assert right_in_words(right, tries) == words


def _tries(db: Database, rows: list[tuple[int | None, bool]], username: str = "ann") -> int:
    with db.session(write=True) as s:
        user = User(username=username, password_hash="x", role="student")
        s.add(user)
        s.flush()
        for number, (confidence, correct) in enumerate(rows, 1):
            s.add(
                Attempt(
                    user_id=user.id,
                    lesson_slug="l",
                    question_id=f"q{number}",
                    question_version="v",
                    number=1,
                    answer="a",
                    score=float(correct),
                    correct=correct,
                    confidence=confidence,
                )
            )
        s.commit()
        return user.id


def test_calibration_counts_right_answers_per_level(db: Database) -> None:
    sure = [(4, True)] * 9 + [(4, False)]
    guessing = [(1, True), (1, False), (1, False)]
    ann = _tries(db, sure + guessing + [(None, True), (None, False)])
    _tries(db, [(4, False)] * 5, username="bob")  # another student's tries are not ann's
    with db.session(write=False) as s:
        levels = calibration(s, user_id=ann)
    assert [(c.level, c.tries, c.right) for c in levels] == [(4, 10, 9), (1, 3, 1)]
    assert levels[0].sentence == "When you were sure, you were right 9 times in 10."
    assert levels[1].sentence == "When you were guessing, you were right 1 time out of 3."


def test_no_confidence_given_no_calibration(db: Database) -> None:
    ann = _tries(db, [(None, True)])
    with db.session(write=False) as s:
        assert calibration(s, user_id=ann) == []
