"""What a student may see of a lesson, built field by field from the author's models.

Nothing here copies an answer key, feedback, explanation, hint or commentary: those reach a
student only in the response to their own answer.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel

from app.content.model import Lesson, Section
from app.content.schema import (
    Dilemma,
    EngineQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    SingleQuestion,
    TrueFalseQuestion,
)

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
    prompt: str
    options: list[OptionOut]
    unit: str = ""
    max_attempts: int
    hint_count: int
    answer_size: int = 1  # how many numbers an engine question's answer has
    given: list[GivenOut] = []  # an engine question's numbers: filled in per student


class DilemmaOut(BaseModel):
    id: str
    title: str
    prompt: str
    options: list[OptionOut]
    ask_reason: bool


class SectionOut(BaseModel):
    id: str
    title: str
    html: str
    kind: Literal["content", "quiz", "dilemmas"]


class LessonSummaryOut(BaseModel):
    slug: str
    title: str
    summary: str


class LessonOut(BaseModel):
    slug: str
    title: str
    summary: str
    narrated: list[str]
    sections: list[SectionOut]
    quiz: list[QuestionOut]
    dilemmas: list[DilemmaOut]


def shuffled_order(question_id: str, ids: list[str]) -> list[str]:
    """Return ids in a stable order that is never the given (correct) one when len > 1."""
    order = sorted(ids, key=lambda i: hashlib.sha256(f"{question_id}:{i}".encode()).digest())
    if order == ids and len(ids) > 1:
        order = order[1:] + order[:1]
    return order


def question_view(q: Question) -> QuestionOut:
    """Return the student's view of a question: prompt and options, no answers."""
    options: list[OptionOut] = []
    if isinstance(q, SingleQuestion | MultipleQuestion):
        options = [OptionOut(id=o.id, text=o.text) for o in q.options]
    elif isinstance(q, TrueFalseQuestion):
        options = [OptionOut(id="true", text="True"), OptionOut(id="false", text="False")]
    elif isinstance(q, OrderingQuestion):
        by_id = {i.id: i.text for i in q.items}
        order = shuffled_order(q.id, list(by_id))
        options = [OptionOut(id=i, text=by_id[i]) for i in order]
    unit = q.unit if isinstance(q, NumericQuestion) else ""
    answer_size = q.hidden_size if isinstance(q, EngineQuestion) else 1
    return QuestionOut(
        id=q.id,
        type=q.type,
        prompt=q.prompt,
        options=options,
        unit=unit,
        max_attempts=q.attempts,
        hint_count=len(q.hints),
        answer_size=answer_size,
    )


def dilemma_view(d: Dilemma) -> DilemmaOut:
    """Return the student's view of a dilemma: scenario and choices, no trade-offs yet."""
    return DilemmaOut(
        id=d.id,
        title=d.title,
        prompt=d.prompt,
        options=[OptionOut(id=o.id, text=o.text) for o in d.options],
        ask_reason=d.ask_reason,
    )


def section_view(s: Section) -> SectionOut:
    return SectionOut(id=s.id, title=s.title, html=s.html, kind=s.kind)


def lesson_view(lesson: Lesson) -> LessonOut:
    """Return the whole student view of a lesson."""
    return LessonOut(
        slug=lesson.slug,
        title=lesson.title,
        summary=lesson.summary,
        narrated=list(lesson.narrated),
        sections=[section_view(s) for s in lesson.sections],
        quiz=[question_view(q) for q in lesson.questions],
        dilemmas=[dilemma_view(d) for d in lesson.dilemmas],
    )


def lesson_summary(lesson: Lesson) -> LessonSummaryOut:
    return LessonSummaryOut(slug=lesson.slug, title=lesson.title, summary=lesson.summary)
