"""What a student may see of a question before answering it: prompt, options, their own
numbers. Nothing here copies an answer key, feedback, explanation or hint: those reach a
student only in the response to their own answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel

from app.content.schema import Question
from app.quiz.kinds import kind_of

QuestionType = Literal["single", "multiple", "true_false", "numeric", "ordering", "text", "engine"]


class OptionOut(BaseModel):
    id: str
    text: str


class GivenOut(BaseModel):
    """A named matrix or vector of an engine question (vectors as one column)."""

    name: str
    rows: list[list[float]]


class QuestionOut(BaseModel):
    id: str
    type: QuestionType
    type_label: str  # e.g. "single choice"
    prompt: str
    options: list[OptionOut]
    unit: str = ""
    max_attempts: int
    hint_count: int
    answer_size: int = 1  # how many numbers an engine question's answer has
    given: list[GivenOut] = []  # an engine question's numbers: this student's own


def question_view(question: Question, variant_key: str) -> QuestionOut:
    """Return the student's view of a question, with their own numbers where it has any."""
    kind = kind_of(question)
    view = kind.view(question, variant_key=variant_key)
    return QuestionOut(
        id=question.id,
        type=question.type,
        type_label=kind.label,
        prompt=question.prompt,
        options=[OptionOut(id=o.id, text=o.text) for o in view.options],
        unit=view.unit,
        max_attempts=question.attempts,
        hint_count=len(question.hints),
        answer_size=view.answer_size,
        given=[GivenOut(name=g.name, rows=g.rows) for g in view.given],
    )


def answer_from_form(question: Question, form: Mapping[str, Sequence[str]]) -> object:
    """Return the JSON-shaped answer that an HTML quiz form stands for; raise
    MalformedAnswer when the form is incomplete."""
    return kind_of(question).from_form(question, form)
