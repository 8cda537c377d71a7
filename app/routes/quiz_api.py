"""JSON API for the quiz: the quiz as a student sees it, answering, and their progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field, StrictInt

from app.plaintext import PlainText
from app.quiz.attempts import submit_attempt
from app.quiz.confidence import CalibrationLevelOut, calibration
from app.quiz.progress import progress, quiz_record
from app.quiz.results import AttemptOut, LessonProgressOut, QuestionProgressOut
from app.quiz.variants import variant_key
from app.quiz.views import QuestionOut, question_view
from app.web.deps import (
    AnswererDep,
    CurrentUser,
    LessonDep,
    LessonsDep,
    OptionalUser,
    QuestionDep,
    QuizAnswerCounted,
    ReaderDep,
    SessionDep,
    SettingsDep,
    remember_guest,
)
from app.web.responses import NOT_LOGGED_IN, refusals

router = APIRouter(prefix="/api", tags=["quiz"])


Scalar = PlainText | bool | int | float
AnswerValue = Scalar | Annotated[list[Scalar], Field(max_length=64)]


class AttemptIn(BaseModel):
    answer: AnswerValue | None = Field(
        description="Shape depends on the question type; see app/quiz/grading.py."
    )
    confidence: StrictInt | None = Field(
        default=None,
        ge=1,
        le=5,
        description="How sure the student is, 1 (guessing) to 5 (certain); optional.",
    )


class QuizItemOut(BaseModel):
    question: QuestionOut
    progress: QuestionProgressOut | None  # None before a first answer from a guest
    last: AttemptOut | None = None  # the grade of the student's last try, if any


@router.get(
    "/lessons/{slug}/quiz",
    response_model=list[QuizItemOut],
    summary="The quiz as this student sees it: own numbers, tries used so far, last result",
    responses=refusals({404: "No such lesson"}),
)
def get_quiz(
    lesson: LessonDep, user: OptionalUser, reader: ReaderDep, session: SessionDep
) -> list[QuizItemOut]:
    key = variant_key(user.id if user else None)
    if reader is None:
        return [
            QuizItemOut(question=question_view(q, key), progress=None) for q in lesson.questions
        ]
    record = quiz_record(session, answerer=reader, lesson=lesson)
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
    summary="Answer a question: graded at once; tries are counted for students and guests "
    "(a guest cookie), and the answer and explanation come only once the question is finished",
    responses=refusals(
        {
            404: "No such lesson or question",
            409: "No tries left, or already answered right",
            422: "The answer does not fit the question (no try used)",
            429: "Too many guests started from this client, or too many answers "
            "from this student or guest in the last minute",
        }
    ),
)
def post_attempt(
    body: AttemptIn,
    request: Request,
    response: Response,
    lesson: LessonDep,
    question: QuestionDep,
    answerer: AnswererDep,
    counted: QuizAnswerCounted,
    session: SessionDep,
    settings: SettingsDep,
) -> AttemptOut:
    result = submit_attempt(
        session,
        answerer=answerer,
        lesson_slug=lesson.slug,
        question=question,
        raw_answer=body.answer,
        confidence=body.confidence,
    )
    remember_guest(request, response, settings)
    return result


@router.get(
    "/me/progress",
    response_model=list[LessonProgressOut],
    summary="The logged-in student's scores, per lesson",
    responses=refusals(NOT_LOGGED_IN),
)
def my_progress(
    user: CurrentUser, lessons: LessonsDep, session: SessionDep
) -> list[LessonProgressOut]:
    return progress(session, user_id=user.id, lessons=lessons.ordered())


@router.get(
    "/me/calibration",
    response_model=list[CalibrationLevelOut],
    summary="How often the logged-in student was right at each confidence level they gave",
    responses=refusals(NOT_LOGGED_IN),
)
def my_calibration(user: CurrentUser, session: SessionDep) -> list[CalibrationLevelOut]:
    return calibration(session, user_id=user.id)
