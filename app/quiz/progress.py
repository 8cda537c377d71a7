"""A student's standing: per lesson (My progress) and per question (where they left off)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Question
from app.db.models import Attempt
from app.quiz.attempts import QuestionState, ScoredRow, attempt_result, state_of
from app.quiz.errors import MalformedAnswer
from app.quiz.grading import grade, parse_answer, question_version
from app.quiz.kinds import kind_of
from app.quiz.results import (
    LessonProgressOut,
    QuestionProgressOut,
    QuestionStatusOut,
    QuizSummaryOut,
)
from app.quiz.variants import Answerer


def question_progress(state: QuestionState) -> QuestionProgressOut:
    return QuestionProgressOut(
        id=state.question.id,
        prompt=state.question.prompt,
        tries=state.tries,
        attempts_left=state.attempts_left,
        best_score=round(state.best, 4),
        correct=state.correct,
        finished=state.finished,
    )


def lesson_progress(lesson: Lesson, states: list[QuestionState]) -> LessonProgressOut:
    """Return the lesson's totals over the student's states on its questions."""
    score = round(sum(s.best for s in states), 4)
    return LessonProgressOut(
        slug=lesson.slug,
        title=lesson.title,
        score=score,
        max_score=len(states),
        percent=round(100 * score / len(states), 1) if states else 0.0,
        questions_done=sum(s.finished for s in states),
        questions_tried=sum(s.tries > 0 for s in states),
        total=len(states),
        questions=[question_progress(s) for s in states],
    )


def progress(session: Session, *, user_id: int, lessons: list[Lesson]) -> list[LessonProgressOut]:
    """Return the student's standing in every lesson that has a quiz (current versions)."""
    rows = session.execute(
        select(
            Attempt.lesson_slug,
            Attempt.question_id,
            Attempt.question_version,
            Attempt.score,
            Attempt.correct,
        ).where(Attempt.user_id == user_id, Attempt.lesson_slug.in_([x.slug for x in lessons]))
    ).all()
    by_question: dict[tuple[str, str, str], list[ScoredRow]] = {}
    for r in rows:
        by_question.setdefault((r.lesson_slug, r.question_id, r.question_version), []).append(r)
    return [
        lesson_progress(
            lesson,
            [
                state_of(q, by_question.get((lesson.slug, q.id, question_version(q)), []))
                for q in lesson.questions
            ],
        )
        for lesson in lessons
        if lesson.questions
    ]


class StoredRow(ScoredRow, Protocol):
    answer: Any


def question_status(
    question: Question, rows: Sequence[StoredRow], answerer: Answerer
) -> QuestionStatusOut:
    """Return where the student left off (`rows`: their tries, in order), regrading the last
    try so that its feedback follows the current wording of the question."""
    state = state_of(question, rows)
    status = QuestionStatusOut(
        tries=state.tries,
        max_attempts=question.attempts,
        attempts_left=state.attempts_left,
        best_score=round(state.best, 4),
        correct=state.correct,
        finished=state.finished,
        last=None,
        filled={},
    )
    if not rows:
        return status
    *earlier, last = rows
    try:
        answer = parse_answer(question, last.answer)
    except MalformedAnswer:  # cannot happen while the version holds; show the state only
        return status
    g = grade(question, answer, variant_key=answerer.variant)
    result = attempt_result(question, g, state_of(question, earlier), kept=not answerer.guest)
    filled = kind_of(question).to_form(question, answer)
    return status.model_copy(update={"last": result, "filled": filled})


@dataclass(frozen=True)
class QuizRecord:
    """A student's statuses on every question of one lesson, and the lesson's totals."""

    summary: QuizSummaryOut
    questions: dict[str, QuestionStatusOut]
    progress: dict[str, QuestionProgressOut]


def quiz_record(session: Session, *, answerer: Answerer, lesson: Lesson) -> QuizRecord:
    """Return where the answerer left off in `lesson`'s quiz (current versions)."""
    user_id = answerer.user_id
    rows = session.execute(
        select(
            Attempt.question_id,
            Attempt.question_version,
            Attempt.answer,
            Attempt.score,
            Attempt.correct,
        )
        .where(Attempt.user_id == user_id, Attempt.lesson_slug == lesson.slug)
        .order_by(Attempt.number)
    ).all()
    by_question: dict[tuple[str, str], list[StoredRow]] = {}
    for r in rows:
        by_question.setdefault((r.question_id, r.question_version), []).append(r)
    rows_of = {q.id: by_question.get((q.id, question_version(q)), []) for q in lesson.questions}
    questions = {q.id: question_status(q, rows_of[q.id], answerer) for q in lesson.questions}
    progress = {q.id: question_progress(state_of(q, rows_of[q.id])) for q in lesson.questions}
    statuses = list(questions.values())
    summary = QuizSummaryOut(
        done=sum(s.finished for s in statuses),
        total=len(statuses),
        score=round(sum(s.best_score for s in statuses), 4),
        max_score=len(statuses),
    )
    return QuizRecord(summary, questions, progress)


def status_after(
    session: Session, *, answerer: Answerer, lesson_slug: str, question: Question
) -> QuestionStatusOut:
    """Return where the answerer stands on `question`, e.g. right after answering it."""
    rows = session.execute(
        select(Attempt.answer, Attempt.score, Attempt.correct)
        .where(
            Attempt.user_id == answerer.user_id,
            Attempt.lesson_slug == lesson_slug,
            Attempt.question_id == question.id,
            Attempt.question_version == question_version(question),
        )
        .order_by(Attempt.number)
    ).all()
    return question_status(question, rows, answerer)


def quiz_summary(session: Session, *, answerer: Answerer, lesson: Lesson) -> QuizSummaryOut:
    """Return the answerer's totals in `lesson`'s quiz (current versions)."""
    found = progress(session, user_id=answerer.user_id, lessons=[lesson])
    if not found:
        return QuizSummaryOut(done=0, total=0, score=0.0, max_score=0)
    p = found[0]
    return QuizSummaryOut(
        done=p.questions_done, total=p.total, score=p.score, max_score=p.max_score
    )
