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
from app.quiz.variants import GUEST_KEY, variant_key

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
    question: Question, g: Grade, before: QuestionState, *, saved: bool
) -> AttemptOut:
    """Return what the student is told about graded try number `before.tries + 1`."""
    number = before.tries + 1
    score = round(g.credit * points_for_try(question, number), 6)
    tries_left = 0 if g.correct else max(0, question.attempts - number)
    finished = tries_left == 0
    return AttemptOut(
        correct=g.correct,
        score=score,
        feedback=g.feedback,
        misconceptions=g.misconceptions,
        # Hints help with the next try: none after a right answer or once no try is left.
        hints=[] if finished else hints_unlocked(question, before.wrong_tries + 1),
        attempts_left=tries_left if saved else None,
        finished=finished,
        explanation=question.explanation if finished else None,
        solution=g.solution if finished else None,
        saved=saved,
        attempt=number if saved else None,
        best_score=max(before.best, score) if saved else None,
        notice=None if saved else GUEST_NOTICE,
    )


def try_as_guest(question: Question, raw_answer: object, *, number: int = 1) -> AttemptOut:
    """Return the grade of a guest's answer, stored nowhere.

    A guest's page counts their tries (`number`, from 1) and the try is graded as that one:
    hints come after wrong tries and the explanation after the last, as for a student. A guest
    who claims a later try only sees the explanation sooner, after answering, with no score at
    stake; the engine question gives guests other numbers than any student's."""
    g = grade(question, parse_answer(question, raw_answer), variant_key=GUEST_KEY)
    earlier = max(0, min(number, question.attempts) - 1)
    before = QuestionState(question, tries=earlier, wrong_tries=earlier)
    return attempt_result(question, g, before, saved=False)


def submit_attempt(
    session: Session, *, user_id: int, lesson_slug: str, question: Question, raw_answer: object
) -> AttemptOut:
    """Grade and store one try; raise MalformedAnswer (no try used) or OutOfAttempts.

    Two racing submissions cannot both take the same try: (user, question, version, number)
    is unique, and the loser retries with the next number (or finds no tries left)."""
    answer = parse_answer(question, raw_answer)
    g = grade(question, answer, variant_key=variant_key(user_id))
    for _ in range(SUBMIT_RETRIES):
        before = question_state(
            session, user_id=user_id, lesson_slug=lesson_slug, question=question
        )
        if before.finished:
            session.rollback()
            raise OutOfAttempts
        result = attempt_result(question, g, before, saved=True)
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


def answer_question(
    session: Session,
    *,
    user_id: int | None,
    lesson_slug: str,
    question: Question,
    raw: object,
    guest_try: int = 1,
) -> AttemptOut:
    """Return the grade of `raw`, stored for a logged-in student (`user_id`); raise
    MalformedAnswer (no try used) or OutOfAttempts. `guest_try` is a guest's try number,
    counted by their page."""
    if user_id is None:
        return try_as_guest(question, raw, number=guest_try)
    return submit_attempt(
        session, user_id=user_id, lesson_slug=lesson_slug, question=question, raw_answer=raw
    )
