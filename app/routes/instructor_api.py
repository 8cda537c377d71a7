"""JSON API for instructors: class statistics."""

from __future__ import annotations

from fastapi import APIRouter

from app.instructor.stats import LessonStatsOut, lesson_stats
from app.web.deps import Instructor, LessonsDep, SessionDep

router = APIRouter(prefix="/api/instructor", tags=["instructor"])


@router.get(
    "/stats",
    response_model=list[LessonStatsOut],
    summary="Per-question class statistics (instructors only)",
    responses={401: {"description": "Not logged in"}, 403: {"description": "Not an instructor"}},
)
def class_stats(_: Instructor, lessons: LessonsDep, session: SessionDep) -> list[LessonStatsOut]:
    return [lesson_stats(session, lesson=lesson) for lesson in lessons.ordered()]
