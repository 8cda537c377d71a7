"""What a student may see of a lesson, built field by field from the author's models.

Nothing here copies an answer key, feedback, explanation, hint or commentary: those reach a
student only in the response to their own answer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from app.content.model import CHECK_MARK, Lesson, Section
from app.dilemmas.responses import DilemmaOut, DilemmaResultOut, dilemma_view
from app.quiz.results import QuestionStatusOut, QuizSummaryOut
from app.quiz.views import QuestionOut, question_view


class SectionPartOut(BaseModel):
    """A stretch of a section's HTML, then the questions of the check that follows it."""

    html: str
    questions: list[int] = []  # places in the lesson's quiz list, from 0


class SectionOut(BaseModel):
    id: str
    title: str
    html: str
    kind: Literal["content", "quiz", "dilemmas"]
    parts: list[SectionPartOut] = []


class LessonSummaryOut(BaseModel):
    slug: str
    title: str
    summary: str


class LessonOut(BaseModel):
    slug: str
    title: str
    summary: str
    invitation: str  # a call to action under the title, or ""
    narrated: list[str]
    sections: list[SectionOut]
    quiz: list[QuestionOut]  # every question: section checks' first, then the end quiz's
    checked: list[str] = []  # ids of the questions asked in section checks, not at the end
    dilemmas: list[DilemmaOut]


class LessonStateOut(BaseModel):
    """A logged-in student's standing in one lesson, question by question and dilemma by
    dilemma. Feedback and explanations appear only where they have answered."""

    summary: QuizSummaryOut
    questions: dict[str, QuestionStatusOut]
    dilemmas: dict[str, DilemmaResultOut]


def section_view(s: Section, places: dict[str, int] | None = None) -> SectionOut:
    """Return a section for the page; its HTML is cut where each check's questions go."""
    places = places or {}
    pieces = s.html.split(CHECK_MARK)
    parts = [
        SectionPartOut(
            html=piece,
            questions=[places[q] for q in s.checks[i].questions] if i < len(s.checks) else [],
        )
        for i, piece in enumerate(pieces)
    ]
    return SectionOut(id=s.id, title=s.title, html=s.html, kind=s.kind, parts=parts)


def lesson_view(lesson: Lesson, variant_key: str) -> LessonOut:
    """Return the whole student view of a lesson, with this student's own numbers."""
    places = {q.id: i for i, q in enumerate(lesson.questions)}
    return LessonOut(
        slug=lesson.slug,
        title=lesson.title,
        summary=lesson.summary,
        invitation=lesson.invitation,
        narrated=list(lesson.narrated),
        sections=[section_view(s, places) for s in lesson.sections],
        quiz=[question_view(q, variant_key) for q in lesson.questions],
        checked=sorted(lesson.checked),
        dilemmas=[dilemma_view(d) for d in lesson.dilemmas],
    )


def lesson_summary(lesson: Lesson) -> LessonSummaryOut:
    return LessonSummaryOut(slug=lesson.slug, title=lesson.title, summary=lesson.summary)
