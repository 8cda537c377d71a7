"""The class across the course: one row per lesson, from each lesson's statistics."""

from __future__ import annotations

from pydantic import BaseModel

from app.instructor.stats import LessonStatsOut


class CourseRowOut(BaseModel):
    number: int  # the lesson's place in the course, from 1
    slug: str
    title: str
    students: int  # who answered anything in the lesson
    questions: int
    answered: int  # question-student pairs: each student counted once per question tried
    mean_score: float | None  # best scores averaged over every question tried (0..1)
    dilemma_responses: int  # students who chose in a dilemma, added over its dilemmas


def course_rows(stats: list[LessonStatsOut]) -> list[CourseRowOut]:
    """Return one row per lesson, in course order (`stats` is in course order)."""
    rows = []
    for number, lesson in enumerate(stats, start=1):
        answered = sum(q.students for q in lesson.questions)
        scored = sum(q.mean_score * q.students for q in lesson.questions)
        rows.append(
            CourseRowOut(
                number=number,
                slug=lesson.slug,
                title=lesson.title,
                students=lesson.students,
                questions=len(lesson.questions),
                answered=answered,
                mean_score=round(scored / answered, 4) if answered else None,
                dilemma_responses=sum(d.students for d in lesson.dilemmas),
            )
        )
    return rows
