"""HTML pages for answering a question without JavaScript, the fragment the enhanced form
swaps in, and "My progress"."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.lessons.course import course_lessons
from app.quiz.attempts import submit_attempt
from app.quiz.confidence import calibration, confidence_from_form
from app.quiz.errors import MalformedAnswer, OutOfAttempts
from app.quiz.progress import progress, quiz_summary, status_after
from app.quiz.variants import variant_key
from app.quiz.views import answer_from_form, question_view
from app.web.deps import (
    AnswererDep,
    CurrentUser,
    FormDep,
    LessonDep,
    LessonsDep,
    OptionalUser,
    QuestionDep,
    QuizAnswerCounted,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    get_optional_user,
    remember_guest,
)
from app.web.fragments import wants_fragment
from app.web.pages import AttemptPage, ProgressPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])


@router.post("/lessons/{slug}/quiz/{question_id}", response_class=HTMLResponse)
def answer_form(
    request: Request,
    lesson: LessonDep,
    question: QuestionDep,
    form: FormDep,
    user: OptionalUser,
    answerer: AnswererDep,
    counted: QuizAnswerCounted,
    session: SessionDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    page = AttemptPage(
        lesson_slug=lesson.slug,
        lesson_title=lesson.title,
        question=question_view(question, variant_key(user.id if user else None)),
        number=lesson.questions.index(question) + 1,
        result=None,
    )
    try:
        raw = answer_from_form(question, form)
        result = submit_attempt(
            session,
            answerer=answerer,
            lesson_slug=lesson.slug,
            question=question,
            raw_answer=raw,
            confidence=confidence_from_form(form),
        )
    except (MalformedAnswer, OutOfAttempts) as exc:
        if wants_fragment(request):
            raise  # the enhanced form shows the message in place (app/web/errors.py)
        page = page.refused(str(exc), can_retry=not isinstance(exc, OutOfAttempts))
        response = templates.TemplateResponse(
            request, "quiz/result.html", {"page": page}, status_code=exc.status
        )
    else:
        status = status_after(
            session, answerer=answerer, lesson_slug=lesson.slug, question=question
        )
        page = page.answered(result, status)
        summary = (
            None if answerer.guest else quiz_summary(session, answerer=answerer, lesson=lesson)
        )
        template = "quiz/_answered.html" if wants_fragment(request) else "quiz/result.html"
        response = templates.TemplateResponse(request, template, {"page": page, "summary": summary})
    remember_guest(request, response, settings)
    return response


@router.get("/me/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    user: CurrentUser,
    lessons: LessonsDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    course = lessons.ordered()
    done = progress(session, user_id=user.id, lessons=course)
    page = ProgressPage(
        course=course_lessons(course, done),
        lessons=done,
        calibration=calibration(session, user_id=user.id),
    )
    return templates.TemplateResponse(request, "me/progress.html", {"page": page})
