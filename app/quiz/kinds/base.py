"""What every question kind provides. Code outside `app/quiz/kinds/` never asks which kind a
question is: it looks the kind up in the registry (`kinds/__init__.py`) and calls these.

A kind owns, for its questions: reading an answer (JSON or an HTML form) into normal form,
grading it, naming what decides the grade (the version), the student's view (options, unit,
numbers), how a wrong answer is named in the class overview, and its form partial
`templates/quiz/kinds/<type>.html`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from app.content.schema import QuestionBase
from app.quiz.errors import MalformedAnswer
from app.quiz.numbers import NotANumber, read_number

Q = TypeVar("Q", bound=QuestionBase)
A = TypeVar("A")

FormValues = Mapping[str, Sequence[str]]
FLOAT_SLACK = 1e-9  # so that a tolerance boundary written in decimal counts as inside


@dataclass(frozen=True)
class Grade:
    """What one answer earns, before the try's share of the points is applied."""

    correct: bool
    credit: float  # share of the question earned by this answer, 0..1
    feedback: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)
    solution: str = ""  # the right answer in words; shown only once the question is finished
    # Feedback that would give the key away before the last try (which picks of a multiple
    # select were wrong): shown only once the question is finished.
    finished_feedback: list[str] = field(default_factory=list)
    finished_misconceptions: list[str] = field(default_factory=list)

    @property
    def all_misconceptions(self) -> list[str]:
        return self.misconceptions + self.finished_misconceptions


@dataclass(frozen=True)
class Option:
    id: str
    text: str


@dataclass(frozen=True)
class AnswerOption:
    """One option a student can pick, as item analysis counts it (with the author's key)."""

    id: str
    text: str
    correct: bool
    misconception: str | None = None


@dataclass(frozen=True)
class Given:
    """A named matrix or vector of an engine question (vectors as one column)."""

    name: str
    rows: list[list[float]]


@dataclass(frozen=True)
class KindView:
    """The parts of a student's view that differ by kind (no answers, no feedback)."""

    options: list[Option] = field(default_factory=list)
    unit: str = ""
    answer_size: int = 1  # how many numbers an engine question's answer has
    given: list[Given] = field(default_factory=list)  # an engine question's numbers


class QuestionKind(Generic[Q, A]):
    """One kind of question. Subclasses set `type` and `label` and override the methods."""

    type: ClassVar[str]  # the `type` written in quiz.yaml
    label: ClassVar[str]  # how the kind is named to people, e.g. "single choice"

    def parse(self, question: Q, raw: object) -> A:
        """Return the answer in normal form; raise MalformedAnswer (no try used)."""
        raise NotImplementedError

    def grade(self, question: Q, answer: A, *, variant_key: str) -> Grade:
        """Return the grade of a parsed answer. `variant_key` picks an engine question's
        numbers and is ignored by the other kinds."""
        raise NotImplementedError

    def version_key(self, question: Q) -> dict[str, Any]:
        """Return what decides the grade: rewording keeps it, a new answer key changes it."""
        raise NotImplementedError

    def view(self, question: Q, *, variant_key: str) -> KindView:
        """Return the kind's part of the student's view."""
        return KindView()

    def from_form(self, question: Q, form: FormValues) -> object:
        """Return the JSON-shaped answer that the HTML form posts (`answer` fields)."""
        values = list(form.get("answer", []))
        if not values:
            raise MalformedAnswer("Give an answer first.")
        return values[0]

    def to_form(self, question: Q, answer: A) -> dict[str, list[str]]:
        """Return the form fields that post `answer`: the inverse of `from_form`."""
        return {"answer": [str(answer)]}

    def describe(self, question: Q, answer: A) -> str:
        """Return the answer in words, for the class overview."""
        return str(answer)

    def wrong_answer(self, question: Q, answer: A, grade: Grade) -> tuple[str, list[str]]:
        """Return how the class overview groups this wrong answer, and its misconceptions."""
        return self.describe(question, answer), grade.all_misconceptions

    def answer_options(self, question: Q) -> list[AnswerOption]:
        """Return the options a student picks from, with the key; none for kinds without."""
        return []

    def chosen_options(self, question: Q, stored: object) -> list[str]:
        """Return the ids of the options a stored answer picked, read without grading it.
        `stored` is the attempt's answer as the database holds it (any JSON, since a row may
        have been written past every check): anything unexpected picks nothing."""
        return []

    def misconceptions_shown(self, question: Q, stored: object) -> list[str]:
        """Return the misconceptions that the wrong options a stored answer picked reveal."""
        picked = set(self.chosen_options(question, stored))
        return [
            o.misconception
            for o in self.answer_options(question)
            if o.id in picked and not o.correct and o.misconception
        ]

    @property
    def groups_wrong_answers_per_student(self) -> bool:
        """Whether the same answer means different things for different students (their
        own numbers), so that wrong answers are diagnosed per student."""
        return False


# --- helpers the kinds share -------------------------------------------------------------------


def read_float(raw: object, what: str = "a number", *, near: float | None = None) -> float:
    """Return a finite number from JSON or typed text; raise MalformedAnswer otherwise."""
    if isinstance(raw, bool):
        raise MalformedAnswer(f"Expected {what}.")
    if isinstance(raw, str):
        try:
            return read_number(raw, near=near)
        except NotANumber as exc:
            raise MalformedAnswer(str(exc)) from None
    if not isinstance(raw, int | float):
        raise MalformedAnswer(f"Expected {what}.")
    try:
        value = float(raw)  # a JSON integer of hundreds of digits overflows here
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise MalformedAnswer(f"That number is too large: expected {what}.")
    return value


def read_ids(raw: object, allowed: list[str], what: str) -> list[str]:
    """Return `raw` as a list of distinct known ids; raise MalformedAnswer otherwise."""
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        raise MalformedAnswer(f"Expected a list of {what} ids.")
    unknown = [i for i in raw if i not in allowed]
    if unknown:
        raise MalformedAnswer(f"Unknown {what}: {', '.join(map(str, unknown[:3]))}.")
    if len(set(raw)) != len(raw):
        raise MalformedAnswer(f"Each {what} may appear only once.")
    return list(raw)


def close(value: float, target: float, abs_tol: float, rel_tol: float = 0.0) -> bool:
    """Return whether `value` is within the tolerances of `target` (boundaries inside)."""
    slack = FLOAT_SLACK * max(1.0, abs(target))
    return abs(value - target) <= max(abs_tol, rel_tol * abs(target)) + slack


def fmt(x: float) -> str:
    return f"{x:.6g}"
