"""HTML pages for answering and scores: quiz and dilemma forms posted without JavaScript,
"My progress", and the instructor's class overview."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.content.schema import Question
from app.quiz import attempts as scores
from app.quiz.grading import MalformedAnswer
from app.quiz.results import (
    FormValues,
    LessonProgressOut,
    answer_from_form,
    answer_question,
    lesson_stats,
    personal_question,
    respond_to_dilemma,
)
from app.routes.quiz_api import OUT_OF_ATTEMPTS, DilemmaDep, QuestionDep
from app.web.deps import (
    LessonDep,
    LessonsDep,
    OptionalUser,
    SessionDep,
    SettingsDep,
    TemplatesDep,
)
from app.web.pages import (
    AttemptPage,
    DilemmaPage,
    ErrorPage,
    InstructorPage,
    Problem,
    ProgressPage,
)

router = APIRouter(include_in_schema=False)


async def form_values(request: Request) -> dict[str, list[str]]:
    """Return the posted form, every field as a list of its string values."""
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


FormDep = Annotated[FormValues, Depends(form_values)]


def _login_first(request: Request) -> Response:
    target = quote(request.url.path)
    return RedirectResponse(f"/login?next={target}", status_code=status.HTTP_303_SEE_OTHER)


def _guest_try(form: FormValues) -> int:
    """Return a guest's try number as their form posts it (1 when absent or garbled)."""
    raw = next(iter(form.get("guest_try", [])), "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1000 else 1


def _position(lesson_questions: tuple[Question, ...], question: Question) -> int:
    return next(i for i, q in enumerate(lesson_questions, 1) if q.id == question.id)


@router.post("/lessons/{slug}/quiz/{question_id}", response_class=HTMLResponse)
def answer_form(
    request: Request,
    lesson: LessonDep,
    question: QuestionDep,
    form: FormDep,
    user: OptionalUser,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    key = scores.variant_key(user.id if user else None)
    guest_try = _guest_try(form)
    result, error, code = None, "", status.HTTP_200_OK
    try:
        raw = answer_from_form(question, form)
        result = answer_question(
            session, user=user, lesson_slug=lesson.slug, question=question, raw=raw,
            guest_try=guest_try,
        )  # fmt: skip
    except MalformedAnswer as exc:
        error, code = str(exc), status.HTTP_422_UNPROCESSABLE_CONTENT
    except scores.OutOfAttempts:
        error, code = OUT_OF_ATTEMPTS, status.HTTP_409_CONFLICT
    page = AttemptPage(
        lesson_slug=lesson.slug,
        lesson_title=lesson.title,
        question=personal_question(question, key),
        number=_position(lesson.questions, question),
        result=result,
        error=error,
        can_retry=code != status.HTTP_409_CONFLICT and not (result and result.finished),
        guest_try=guest_try + 1 if result else guest_try,
    )
    return templates.TemplateResponse(request, "quiz/result.html", {"page": page},
                                      status_code=code)  # fmt: skip


@router.post("/lessons/{slug}/dilemmas/{dilemma_id}", response_class=HTMLResponse)
def dilemma_form(
    request: Request,
    lesson: LessonDep,
    dilemma: DilemmaDep,
    form: FormDep,
    user: OptionalUser,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    choice = next(iter(form.get("choice", [])), "")
    reason = next(iter(form.get("reason", [])), "")
    try:
        result = respond_to_dilemma(
            session, user=user, lesson_slug=lesson.slug, dilemma=dilemma,
            choice=choice, reason=reason,
        )  # fmt: skip
    except ValueError as exc:
        return templates.TemplateResponse(
            request, "error.html",
            {"page": _error(422, "Bad request", str(exc))}, status_code=422,
        )  # fmt: skip
    page = DilemmaPage(lesson_slug=lesson.slug, lesson_title=lesson.title, result=result)
    return templates.TemplateResponse(request, "quiz/dilemma.html", {"page": page})


def _error(status_code: int, title: str, message: str) -> ErrorPage:
    return ErrorPage(status=status_code, title=title, message=message)


@router.get("/me/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    user: OptionalUser,
    lessons: LessonsDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    if user is None:
        return _login_first(request)
    found = scores.progress(session, user_id=user.id, lessons=lessons.ordered())
    page = ProgressPage(lessons=[LessonProgressOut.of(p) for p in found])
    return templates.TemplateResponse(request, "me/progress.html", {"page": page})


@router.get("/instructor", response_class=HTMLResponse)
def instructor_page(
    request: Request,
    user: OptionalUser,
    lessons: LessonsDep,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    if user is None:
        return _login_first(request)
    if not user.is_instructor:
        denied = _error(403, "Instructors only", "Only instructors can see the class overview.")
        return templates.TemplateResponse(request, "error.html", {"page": denied}, status_code=403)
    stats = [lesson_stats(session, lesson=lesson) for lesson in lessons.ordered()]
    problems = [Problem.of(p, settings.lessons_dir) for p in lessons.all_problems()]
    page = InstructorPage(lessons=stats, problems=problems)
    return templates.TemplateResponse(request, "instructor/index.html", {"page": page})
