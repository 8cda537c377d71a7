"""JSON API for the quiz: the quiz as a student sees it, answering, and their progress."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.quiz.attempts import answer_question
from app.quiz.progress import progress, quiz_record
from app.quiz.results import AttemptOut, LessonProgressOut, QuestionProgressOut
from app.quiz.variants import variant_key
from app.quiz.views import QuestionOut, question_view
from app.web.deps import CurrentUser, LessonDep, LessonsDep, OptionalUser, QuestionDep, SessionDep

router = APIRouter(prefix="/api", tags=["quiz"])


class AttemptIn(BaseModel):
    answer: Any = Field(description="Shape depends on the question type; see app/quiz/grading.py.")
    guest_try: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Guests only (ignored when logged in): which try this is, from 1, as "
        "counted by the page. Guests' tries are not stored; after the last one the answer "
        "and explanation are shown.",
    )


class QuizItemOut(BaseModel):
    question: QuestionOut
    progress: QuestionProgressOut | None  # None for guests
    last: AttemptOut | None = None  # the grade of the student's last try, if any


@router.get(
    "/lessons/{slug}/quiz",
    response_model=list[QuizItemOut],
    summary="The quiz as this student sees it: own numbers, tries used so far, last result",
)
def get_quiz(lesson: LessonDep, user: OptionalUser, session: SessionDep) -> list[QuizItemOut]:
    key = variant_key(user.id if user else None)
    if user is None:
        return [
            QuizItemOut(question=question_view(q, key), progress=None) for q in lesson.questions
        ]
    record = quiz_record(session, user_id=user.id, lesson=lesson)
    return [
        QuizItemOut(
            question=question_view(q, key),
            progress=record.progress[q.id],
            last=record.questions[q.id].last,
        )
        for q in lesson.questions
    ]


@router.post(
    "/lessons/{slug}/quiz/{question_id}/attempts",
    response_model=AttemptOut,
    summary="Answer a question: graded at once, stored when logged in",
    responses={
        404: {"description": "No such lesson or question"},
        409: {"description": "No tries left, or already answered right"},
        422: {"description": "The answer does not fit the question (no try used)"},
    },
)
def post_attempt(
    body: AttemptIn,
    lesson: LessonDep,
    question: QuestionDep,
    user: OptionalUser,
    session: SessionDep,
) -> AttemptOut:
    return answer_question(
        session,
        user_id=user.id if user else None,
        lesson_slug=lesson.slug,
        question=question,
        raw=body.answer,
        guest_try=body.guest_try or 1,
    )


@router.get(
    "/me/progress",
    response_model=list[LessonProgressOut],
    summary="The logged-in student's scores, per lesson",
    responses={401: {"description": "Not logged in"}},
)
def my_progress(
    user: CurrentUser, lessons: LessonsDep, session: SessionDep
) -> list[LessonProgressOut]:
    return progress(session, user_id=user.id, lessons=lessons.ordered())
