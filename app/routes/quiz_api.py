"""JSON API for answering: quiz attempts, dilemma responses, progress, class statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from app.content.schema import Dilemma, Question
from app.lessons.views import QuestionOut
from app.quiz import attempts as scores
from app.quiz.grading import MalformedAnswer
from app.quiz.results import (
    AttemptOut,
    DilemmaResultOut,
    LessonProgressOut,
    LessonStatsOut,
    QuestionProgressOut,
    answer_question,
    lesson_stats,
    personal_question,
    respond_to_dilemma,
)
from app.web.deps import CurrentUser, Instructor, LessonDep, LessonsDep, OptionalUser, SessionDep

router = APIRouter(prefix="/api", tags=["quiz"])

OUT_OF_ATTEMPTS = "This question is finished: you answered it right or used every try."


def get_question(lesson: LessonDep, question_id: str) -> Question:
    question = lesson.question(question_id)
    if question is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No question called {question_id!r}.")
    return question


def get_dilemma(lesson: LessonDep, dilemma_id: str) -> Dilemma:
    dilemma = lesson.dilemma(dilemma_id)
    if dilemma is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No dilemma called {dilemma_id!r}.")
    return dilemma


QuestionDep = Annotated[Question, Depends(get_question)]
DilemmaDep = Annotated[Dilemma, Depends(get_dilemma)]


class AttemptIn(BaseModel):
    answer: Any = Field(description="Shape depends on the question type; see app/quiz/grading.py.")
    guest_try: int | None = Field(
        None,
        description="Guests only (ignored when logged in): which try this is, from 1, as "
        "counted by the page. Guests' tries are not stored; after the last one the answer "
        "and explanation are shown.",
    )


class DilemmaIn(BaseModel):
    # Checked by scores.check_dilemma_choice, which says what is wrong in plain words.
    choice: str | None = Field(None, description="The id of the chosen option.")
    reason: str | None = Field(
        None, description=f"Why (optional), at most {scores.MAX_REASON} characters."
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
    key = scores.variant_key(user.id if user else None)
    records: dict[str, scores.QuestionRecord] = {}
    if user is not None:
        records = scores.lesson_record(session, user_id=user.id, lesson=lesson).questions
    items = []
    for q in lesson.questions:
        record = records.get(q.id)
        items.append(
            QuizItemOut(
                question=personal_question(q, key),
                progress=QuestionProgressOut.of(record.state) if record else None,
                last=AttemptOut.of(record.last) if record and record.last else None,
            )
        )
    return items


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
    try:
        return answer_question(
            session, user=user, lesson_slug=lesson.slug, question=question, raw=body.answer,
            guest_try=body.guest_try or 1,
        )  # fmt: skip
    except MalformedAnswer as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    except scores.OutOfAttempts:
        raise HTTPException(status.HTTP_409_CONFLICT, OUT_OF_ATTEMPTS) from None


@router.post(
    "/lessons/{slug}/dilemmas/{dilemma_id}/responses",
    response_model=DilemmaResultOut,
    summary="Respond to a dilemma: returns every option's trade-offs and the commentary",
    responses={
        404: {"description": "No such lesson or dilemma"},
        422: {"description": "No option chosen, or the reason is too long"},
    },
)
def post_dilemma_response(
    body: DilemmaIn,
    lesson: LessonDep,
    dilemma: DilemmaDep,
    user: OptionalUser,
    session: SessionDep,
) -> DilemmaResultOut:
    try:
        return respond_to_dilemma(
            session, user=user, lesson_slug=lesson.slug, dilemma=dilemma,
            choice=body.choice, reason=body.reason,
        )  # fmt: skip
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


@router.get(
    "/me/progress",
    response_model=list[LessonProgressOut],
    summary="The logged-in student's scores, per lesson",
    responses={401: {"description": "Not logged in"}},
)
def my_progress(
    user: CurrentUser, lessons: LessonsDep, session: SessionDep
) -> list[LessonProgressOut]:
    found = scores.progress(session, user_id=user.id, lessons=lessons.ordered())
    return [LessonProgressOut.of(p) for p in found]


@router.get(
    "/instructor/stats",
    response_model=list[LessonStatsOut],
    summary="Per-question class statistics (instructors only)",
    responses={401: {"description": "Not logged in"}, 403: {"description": "Not an instructor"}},
)
def class_stats(_: Instructor, lessons: LessonsDep, session: SessionDep) -> list[LessonStatsOut]:
    return [lesson_stats(session, lesson=lesson) for lesson in lessons.ordered()]
