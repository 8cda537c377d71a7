"""JSON API for lessons: the student view only."""

from __future__ import annotations

from fastapi import APIRouter

from app.lessons.views import LessonOut, LessonSummaryOut, lesson_summary, lesson_view
from app.quiz.variants import variant_key
from app.web.deps import LessonDep, LessonsDep, OptionalUser
from app.web.responses import refusals

router = APIRouter(prefix="/api/lessons", tags=["lessons"])


@router.get("", response_model=list[LessonSummaryOut], summary="List lessons")
def list_lessons(lessons: LessonsDep) -> list[LessonSummaryOut]:
    return [lesson_summary(lesson) for lesson in lessons.ordered()]


@router.get(
    "/{slug}",
    response_model=LessonOut,
    summary="One lesson, as this student sees it before answering (their own numbers)",
    responses=refusals({404: "No lesson with this slug"}),
)
def get_lesson(lesson: LessonDep, user: OptionalUser) -> LessonOut:
    return lesson_view(lesson, variant_key(user.id if user else None))
