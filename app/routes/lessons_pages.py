"""HTML pages for lessons: the index, a lesson, and the lesson files' problems."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.lessons.course import course_lessons, course_nav
from app.lessons.state import lesson_state
from app.lessons.views import lesson_view
from app.quiz.progress import progress
from app.quiz.variants import variant_key
from app.web.deps import (
    Instructor,
    LessonDep,
    LessonsDep,
    OptionalUser,
    ReaderDep,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.pages import IndexPage, LessonPage, Problem, StatusPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    lessons: LessonsDep,
    user: OptionalUser,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    """The course page: the lessons in order, each with the student's progress."""
    instructor = user is not None and user.is_instructor
    course = lessons.ordered()
    done = progress(session, user_id=user.id, lessons=course) if user else None
    page = IndexPage(
        lessons=course_lessons(course, done),
        problem_count=len(lessons.all_problems()) if instructor else 0,
    )
    return templates.TemplateResponse(request, "lessons/index.html", {"page": page})


@router.get("/lessons/{slug}", response_class=HTMLResponse)
def lesson_page(
    request: Request,
    lesson: LessonDep,
    lessons: LessonsDep,
    user: OptionalUser,
    reader: ReaderDep,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    problems = lessons.problems_for(lesson) if user and user.is_instructor else []
    state = lesson_state(session, answerer=reader, lesson=lesson) if reader else None
    page = LessonPage(
        lesson=lesson_view(lesson, variant_key(user.id if user else None)),
        problems=[Problem.of(p, settings.lessons_dir) for p in problems],
        answering=True,
        state=state,
        course=course_nav(lessons.ordered(), lesson.slug),
    )
    return templates.TemplateResponse(request, "lessons/lesson.html", {"page": page})


@router.get("/status", response_class=HTMLResponse)
def status(
    request: Request,
    lessons: LessonsDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    _: Instructor,
) -> HTMLResponse:
    """Problems in the lesson files, for the instructors who write them."""
    page = StatusPage(
        lesson_count=len(lessons.lessons),
        problems=[Problem.of(p, settings.lessons_dir) for p in lessons.all_problems()],
    )
    return templates.TemplateResponse(request, "status.html", {"page": page})
