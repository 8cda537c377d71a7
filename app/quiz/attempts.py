"""Quiz attempts: the policy that needs a student's history (tries left, hints earned, when
the explanation may be shown), and storing each graded try.

Every function takes the session first and the rest by keyword. Grading itself is pure and
lives in app/quiz/grading.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.content.schema import Question
from app.db.models import Attempt, utcnow
from app.quiz.errors import OutOfAttempts
from app.quiz.grading import (
    Grade,
    grade,
    hints_unlocked,
    parse_answer,
    points_for_try,
    question_version,
)
from app.quiz.results import GUEST_NOTICE, AttemptOut
from app.quiz.variants import Answerer

SUBMIT_RETRIES = 5


@dataclass(frozen=True)
class QuestionState:
    """Where one student stands on the current version of one question."""

    question: Question
    tries: int = 0
    wrong_tries: int = 0
    best: float = 0.0
    correct: bool = False

    @property
    def attempts_left(self) -> int:
        return 0 if self.correct else max(0, self.question.attempts - self.tries)

    @property
    def finished(self) -> bool:
        return self.correct or self.attempts_left == 0


class ScoredRow(Protocol):
    score: float
    correct: bool


def state_of(question: Question, rows: Sequence[ScoredRow]) -> QuestionState:
    """Return the state after `rows`, one student's tries at the question's current version."""
    return QuestionState(
        question=question,
        tries=len(rows),
        wrong_tries=sum(not r.correct for r in rows),
        best=max((r.score for r in rows), default=0.0),
        correct=any(r.correct for r in rows),
    )


def question_state(
    session: Session, *, user_id: int, lesson_slug: str, question: Question
) -> QuestionState:
    """Return the student's state on the question's current version."""
    rows = session.execute(
        select(Attempt.score, Attempt.correct).where(
            Attempt.user_id == user_id,
            Attempt.lesson_slug == lesson_slug,
            Attempt.question_id == question.id,
            Attempt.question_version == question_version(question),
        )
    ).all()
    return state_of(question, rows)


def attempt_result(
    question: Question, g: Grade, before: QuestionState, *, kept: bool
) -> AttemptOut:
    """Return what the answerer is told about graded try number `before.tries + 1`; `kept`
    is False for a guest, whose tries are counted but whose score is kept for nobody."""
    number = before.tries + 1
    score = round(g.credit * points_for_try(question, number), 6)
    tries_left = 0 if g.correct else max(0, question.attempts - number)
    finished = tries_left == 0
    return AttemptOut(
        correct=g.correct,
        score=score,
        feedback=g.feedback + (g.finished_feedback if finished else []),
        misconceptions=g.misconceptions + (g.finished_misconceptions if finished else []),
        # Hints help with the next try: none after a right answer or once no try is left.
        hints=[] if finished else hints_unlocked(question, before.wrong_tries + 1),
        attempts_left=tries_left,
        finished=finished,
        # The key and the explanation only once this answerer has finished the question.
        explanation=question.explanation if finished else None,
        solution=g.solution if finished else None,
        saved=kept,
        attempt=number,
        best_score=max(before.best, score) if kept else None,
        notice=None if kept else GUEST_NOTICE,
    )


def submit_attempt(
    session: Session,
    *,
    answerer: Answerer,
    lesson_slug: str,
    question: Question,
    raw_answer: object,
    confidence: int | None = None,
) -> AttemptOut:
    """Grade and store one try of a student or a guest, with how sure they said they were
    (1-5, optional); raise MalformedAnswer (no try used) or OutOfAttempts.

    Two racing submissions cannot both take the same try: (user, question, version, number)
    is unique, and the loser retries with the next number (or finds no tries left)."""
    answer = parse_answer(question, raw_answer)
    g = grade(question, answer, variant_key=answerer.variant)
    user_id = answerer.user_id
    for _ in range(SUBMIT_RETRIES):
        before = question_state(
            session, user_id=user_id, lesson_slug=lesson_slug, question=question
        )
        if before.finished:
            session.rollback()
            raise OutOfAttempts
        result = attempt_result(question, g, before, kept=not answerer.guest)
        session.add(
            Attempt(
                user_id=user_id,
                lesson_slug=lesson_slug,
                question_id=question.id,
                question_version=question_version(question),
                number=result.attempt,
                answer=answer,
                score=result.score,
                correct=g.correct,
                confidence=confidence,
                created_at=utcnow(),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another request took this try first: count again
            continue
        return result
    raise RuntimeError("could not store the attempt: too many concurrent submissions")
