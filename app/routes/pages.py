"""Server-rendered HTML pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.context import IndexPage, LessonPage, Problem, StatusPage
from app.deps import LessonDep, LessonsDep, SettingsDep, TemplatesDep
from app.views import lesson_summary, lesson_view

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, lessons: LessonsDep, templates: TemplatesDep) -> HTMLResponse:
    page = IndexPage(
        lessons=[lesson_summary(lesson) for lesson in lessons.ordered()],
        problem_count=len(lessons.all_problems()),
    )
    return templates.TemplateResponse(request, "lessons/index.html", {"page": page})


@router.get("/lessons/{slug}", response_class=HTMLResponse)
def lesson_page(
    request: Request,
    lesson: LessonDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    # Until accounts exist, problems are listed on /status, not on the public lesson page.
    page = LessonPage(lesson=lesson_view(lesson))
    return templates.TemplateResponse(request, "lessons/lesson.html", {"page": page})


@router.get("/status", response_class=HTMLResponse)
def status(
    request: Request, lessons: LessonsDep, templates: TemplatesDep, settings: SettingsDep
) -> HTMLResponse:
    page = StatusPage(
        lesson_count=len(lessons.lessons),
        problems=[Problem.of(p, settings.lessons_dir) for p in lessons.all_problems()],
    )
    return templates.TemplateResponse(request, "status.html", {"page": page})
