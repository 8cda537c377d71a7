"""HTML pages for instructors: the class overview, and each lesson's item analysis."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.instructor.course import course_rows
from app.instructor.items import item_analysis
from app.instructor.stats import lesson_stats
from app.web.deps import (
    Instructor,
    LessonDep,
    LessonsDep,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.pages import InstructorPage, ItemsPage, Problem

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])


@router.get("/instructor", response_class=HTMLResponse)
def instructor_page(
    request: Request,
    _: Instructor,
    lessons: LessonsDep,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    stats = [lesson_stats(session, lesson=lesson) for lesson in lessons.ordered()]
    page = InstructorPage(
        lessons=stats,
        problems=[Problem.of(p, settings.lessons_dir) for p in lessons.all_problems()],
        course=course_rows(stats),
    )
    return templates.TemplateResponse(request, "instructor/index.html", {"page": page})


@router.get("/instructor/lessons/{slug}/items", response_class=HTMLResponse)
def items_page(
    request: Request,
    _: Instructor,
    lesson: LessonDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    page = ItemsPage(analysis=item_analysis(session, lesson=lesson))
    return templates.TemplateResponse(request, "instructor/items.html", {"page": page})
