"""HTML pages for answering a question without JavaScript, the fragment the enhanced form
swaps in, and "My progress"."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.quiz.attempts import answer_question
from app.quiz.errors import MalformedAnswer, OutOfAttempts
from app.quiz.progress import progress, quiz_summary, status_after
from app.quiz.variants import variant_key
from app.quiz.views import answer_from_form, question_view
from app.web.deps import (
    CurrentUser,
    FormDep,
    FormValues,
    LessonDep,
    LessonsDep,
    OptionalUser,
    QuestionDep,
    SessionDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.fragments import wants_fragment
from app.web.pages import AttemptPage, ProgressPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])


def _guest_try(form: FormValues) -> int:
    """Return a guest's try number as their form posts it (1 when absent or garbled)."""
    raw = next(iter(form.get("guest_try", [])), "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1000 else 1


@router.post("/lessons/{slug}/quiz/{question_id}", response_class=HTMLResponse)
def answer_form(
    request: Request,
    lesson: LessonDep,
    question: QuestionDep,
    form: FormDep,
    user: OptionalUser,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    user_id = user.id if user else None
    guest_try = _guest_try(form)
    page = AttemptPage(
        lesson_slug=lesson.slug,
        lesson_title=lesson.title,
        question=question_view(question, variant_key(user_id)),
        number=lesson.questions.index(question) + 1,
        result=None,
        guest_try=guest_try,
    )
    try:
        raw = answer_from_form(question, form)
        result = answer_question(
            session,
            user_id=user_id,
            lesson_slug=lesson.slug,
            question=question,
            raw=raw,
            guest_try=guest_try,
        )
    except (MalformedAnswer, OutOfAttempts) as exc:
        if wants_fragment(request):
            raise  # the enhanced form shows the message in place (app/web/errors.py)
        page = page.refused(str(exc), can_retry=not isinstance(exc, OutOfAttempts))
        return templates.TemplateResponse(
            request, "quiz/result.html", {"page": page}, status_code=exc.status
        )
    page = page.answered(result)
    if wants_fragment(request):
        current = status_after(
            session,
            user_id=user_id,
            lesson_slug=lesson.slug,
            question=question,
            result=result,
            raw=raw,
            guest_try=guest_try,
        )
        summary = quiz_summary(session, user_id=user_id, lesson=lesson) if user_id else None
        return templates.TemplateResponse(
            request, "quiz/_answered.html", {"page": page, "status": current, "summary": summary}
        )
    return templates.TemplateResponse(request, "quiz/result.html", {"page": page})


@router.get("/me/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    user: CurrentUser,
    lessons: LessonsDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    page = ProgressPage(lessons=progress(session, user_id=user.id, lessons=lessons.ordered()))
    return templates.TemplateResponse(request, "me/progress.html", {"page": page})
