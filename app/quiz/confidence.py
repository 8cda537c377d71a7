"""Confidence and calibration: how sure a student said they were when answering, and how
often they were right at each level ("when you were sure, you were right 9 times in 10").

A confidence is optional on every try; tries without one are left out of calibration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.db.models import Attempt
from app.quiz.errors import MalformedAnswer

# The five levels, as the quiz form and My progress name them.
LEVELS: dict[int, str] = {
    1: "guessing",
    2: "unsure",
    3: "fairly sure",
    4: "sure",
    5: "certain",
}


def parse_confidence(value: object) -> int | None:
    """Return the confidence level 1-5 that `value` names (a number or its digit), or None
    when none was given; raise MalformedAnswer for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise MalformedAnswer("Say how sure you are with a level from 1 (guessing) to 5 (certain).")
    return value


def confidence_from_form(form: Mapping[str, Sequence[str]]) -> int | None:
    """Return the confidence the quiz form posted, if any; raise MalformedAnswer if garbled."""
    values = list(form.get("confidence", []))
    if len(values) > 1:
        raise MalformedAnswer("Pick one confidence level.")
    return parse_confidence(values[0] if values else None)


class CalibrationLevelOut(BaseModel):
    level: int  # 1-5
    label: str  # "sure"
    tries: int  # answers given at this level
    right: int  # of them, right
    sentence: str  # "When you were sure, you were right 9 times in 10."


def right_in_words(right: int, tries: int) -> str:
    """Return how often `right` of `tries` is, in words: "9 times in 10" once there are ten
    or more tries to round over, else the plain count ("2 times out of 3")."""
    if tries >= 10:
        tenths = (20 * right + tries) // (2 * tries)  # 10 * right / tries, halves rounded up
        return f"{tenths} {'time' if tenths == 1 else 'times'} in 10"
    times = "time" if right == 1 else "times"
    return f"{right} {times} out of {tries}"


def level_out(level: int, tries: int, right: int) -> CalibrationLevelOut:
    label = LEVELS[level]
    return CalibrationLevelOut(
        level=level,
        label=label,
        tries=tries,
        right=right,
        sentence=f"When you were {label}, you were right {right_in_words(right, tries)}.",
    )


def calibration(session: Session, *, user_id: int) -> list[CalibrationLevelOut]:
    """Return, for each confidence level the student used, how often they were right."""
    rows = session.execute(
        select(Attempt.confidence, func.count(), func.sum(case((Attempt.correct, 1), else_=0)))
        .where(Attempt.user_id == user_id, Attempt.confidence.is_not(None))
        .group_by(Attempt.confidence)
        .order_by(Attempt.confidence.desc())
    ).all()
    return [
        level_out(int(level), int(tries), int(right or 0))
        for level, tries, right in rows
        if level in LEVELS
    ]
