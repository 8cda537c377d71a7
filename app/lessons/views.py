"""What a student may see of a lesson, built field by field from the author's models.

Nothing here copies an answer key, feedback, explanation, hint or commentary: those reach a
student only in the response to their own answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from app.content.model import Lesson, Section
from app.dilemmas.responses import DilemmaOut, DilemmaResultOut, dilemma_view
from app.quiz.results import QuestionStatusOut, QuizSummaryOut
from app.quiz.views import QuestionOut, question_view


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


class LessonStateOut(BaseModel):
    """A logged-in student's standing in one lesson, question by question and dilemma by
    dilemma. Feedback and explanations appear only where they have answered."""

    summary: QuizSummaryOut
    questions: dict[str, QuestionStatusOut]
    dilemmas: dict[str, DilemmaResultOut]


def section_view(s: Section) -> SectionOut:
    return SectionOut(id=s.id, title=s.title, html=s.html, kind=s.kind)


def lesson_view(lesson: Lesson, variant_key: str) -> LessonOut:
    """Return the whole student view of a lesson, with this student's own numbers."""
    return LessonOut(
        slug=lesson.slug,
        title=lesson.title,
        summary=lesson.summary,
        narrated=list(lesson.narrated),
        sections=[section_view(s) for s in lesson.sections],
        quiz=[question_view(q, variant_key) for q in lesson.questions],
        dilemmas=[dilemma_view(d) for d in lesson.dilemmas],
    )


def lesson_summary(lesson: Lesson) -> LessonSummaryOut:
    return LessonSummaryOut(slug=lesson.slug, title=lesson.title, summary=lesson.summary)
