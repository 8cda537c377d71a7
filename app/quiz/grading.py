"""Grading policy: pure functions of the question, the answer and the try's number.

No HTTP, no database. `parse_answer` turns what a student sent into a normal form (or raises
MalformedAnswer, which costs no try); `grade` marks it; each question kind
(`app/quiz/kinds/`) does the kind-specific part. The share of the points earned on a given
try is `points_for_try`, and `question_version` names the grading-relevant content of a
question so that edits to it start a new version.

Answer shapes (JSON):
  single      "option-id"
  multiple    ["option-id", ...] (may be empty)
  true_false  true | false
  numeric     a number, or text as people type it (app/quiz/numbers.py)
  ordering    ["item-id", ...], every item once, first step first
  text        "a short answer"
  engine      [h_1[0], h_1[1], ...], one number per hidden unit (counted from 0)
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.content.schema import Question
from app.quiz.kinds import kind_of
from app.quiz.kinds.base import Grade

Answer = str | bool | float | list[str] | list[float]

__all__ = ["Answer", "Grade", "grade", "hints_unlocked", "parse_answer", "points_for_try"]


def points_for_try(question: Question, number: int) -> float:
    """Return the share of the points on try `number` (1-based); the last entry repeats."""
    points = question.points or [1.0]
    return points[min(number, len(points)) - 1]


def hints_unlocked(question: Question, wrong_tries: int) -> list[str]:
    """Return the hints a student has earned: one more after each wrong try."""
    return list(question.hints[: max(0, wrong_tries)])


def question_version(question: Question) -> str:
    """Return a short hash of what decides the grade, so rewording keeps the version and
    changing the answer key starts a new one."""
    key: dict[str, Any] = {"type": question.type, **kind_of(question).version_key(question)}
    canonical = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def parse_answer(question: Question, raw: object) -> Answer:
    """Return the answer in normal form; raise MalformedAnswer when it does not fit."""
    answer: Answer = kind_of(question).parse(question, raw)
    return answer


def grade(question: Question, answer: Answer, *, variant_key: str = "") -> Grade:
    """Return the grade of a parsed answer. `variant_key` picks an engine question's numbers
    (one student's own variant) and is ignored by the other kinds."""
    return kind_of(question).grade(question, answer, variant_key=variant_key)
