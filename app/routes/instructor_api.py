"""JSON API for instructors: class statistics and item analysis."""

from __future__ import annotations

from fastapi import APIRouter

from app.instructor.items import ItemAnalysisOut, item_analysis
from app.instructor.stats import LessonStatsOut, lesson_stats
from app.web.deps import Instructor, LessonDep, LessonsDep, SessionDep
from app.web.responses import NOT_INSTRUCTOR, refusals

router = APIRouter(prefix="/api/instructor", tags=["instructor"])


@router.get(
    "/stats",
    response_model=list[LessonStatsOut],
    summary="Per-question class statistics (instructors only)",
    responses=refusals(NOT_INSTRUCTOR),
)
def class_stats(_: Instructor, lessons: LessonsDep, session: SessionDep) -> list[LessonStatsOut]:
    return [lesson_stats(session, lesson=lesson) for lesson in lessons.ordered()]


@router.get(
    "/lessons/{slug}/items",
    response_model=ItemAnalysisOut,
    summary="Item analysis of a lesson's quiz from first and best tries (instructors only)",
    responses=refusals({**NOT_INSTRUCTOR, 404: "No such lesson"}),
)
def lesson_items(_: Instructor, lesson: LessonDep, session: SessionDep) -> ItemAnalysisOut:
    return item_analysis(session, lesson=lesson)
