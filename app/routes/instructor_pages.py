"""HTML pages for instructors: the class overview."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.instructor.stats import lesson_stats
from app.web.deps import (
    Instructor,
    LessonsDep,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.pages import InstructorPage, Problem

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
    page = InstructorPage(
        lessons=[lesson_stats(session, lesson=lesson) for lesson in lessons.ordered()],
        problems=[Problem.of(p, settings.lessons_dir) for p in lessons.all_problems()],
    )
    return templates.TemplateResponse(request, "instructor/index.html", {"page": page})
