"""Quiz attempts, dilemma responses and progress: the queries behind them.

Every function takes the session first and the rest by keyword. Grading itself is pure and
lives in app/quiz/grading.py; this module adds the per-question policy that needs history
(tries left, hints earned, when the explanation may be shown) and stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import (
    Dilemma,
    Question,
)
from app.db.models import Attempt, DilemmaResponse, utcnow
from app.quiz.grading import (
    Answer,
    Grade,
    MalformedAnswer,
    grade,
    hints_unlocked,
    parse_answer,
    points_for_try,
    question_version,
)

GUEST_KEY = "guest"
SUBMIT_RETRIES = 5


def variant_key(user_id: int | None) -> str:
    """Return the key that picks a student's own engine-question numbers."""
    return GUEST_KEY if user_id is None else f"user:{user_id}"


class OutOfAttempts(Exception):
    """The question is finished for this student: answered right, or no tries left."""


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


@dataclass(frozen=True)
class AttemptResult:
    correct: bool
    score: float  # points earned by this try, 0..1 of the question
    feedback: list[str]
    misconceptions: list[str]
    hints: list[str]  # unlocked so far; empty once the question is finished
    attempts_left: int | None  # None for guests: their tries are not counted
    finished: bool
    explanation: str | None  # only once the question is finished
    solution: str | None  # likewise
    saved: bool
    attempt: int | None = None  # the try's number, for a logged-in student
    best_score: float | None = None


class _Row(Protocol):
    score: float
    correct: bool


def _state(question: Question, rows: Sequence[_Row]) -> QuestionState:
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
    return _state(question, rows)


def _result(question: Question, g: Grade, before: QuestionState, *, saved: bool) -> AttemptResult:
    """Return what the student is told about graded try number `before.tries + 1`."""
    number = before.tries + 1
    score = round(g.credit * points_for_try(question, number), 6)
    tries_left = 0 if g.correct else max(0, question.attempts - number)
    finished = tries_left == 0
    return AttemptResult(
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
    )


def try_as_guest(question: Question, raw_answer: object, *, number: int = 1) -> AttemptResult:
    """Return the grade of a guest's answer, stored nowhere.

    A guest's page counts their tries (`number`, from 1) and the try is graded as that one:
    hints come after wrong tries and the explanation after the last, as for a student. A guest
    who claims a later try only sees the explanation sooner, after answering, with no score at
    stake; the engine question gives guests other numbers than any student's."""
    g = grade(question, parse_answer(question, raw_answer), variant_key=GUEST_KEY)
    earlier = max(0, min(number, question.attempts) - 1)
    before = QuestionState(question, tries=earlier, wrong_tries=earlier)
    return _result(question, g, before, saved=False)


def submit_attempt(
    session: Session, *, user_id: int, lesson_slug: str, question: Question, raw_answer: object
) -> AttemptResult:
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
        result = _result(question, g, before, saved=True)
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


# --- dilemmas ---------------------------------------------------------------------------------

MAX_REASON = 2000


def check_dilemma_choice(dilemma: Dilemma, choice: object, reason: object) -> tuple[str, str]:
    """Return (choice, reason) cleaned; raise ValueError with a sentence when invalid."""
    ids = [o.id for o in dilemma.options]
    if choice is None or choice == "":
        raise ValueError("Choose one of the options before you commit.")
    if not isinstance(choice, str) or choice not in ids:
        raise ValueError(f"Choose one of the options: {', '.join(ids)}.")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise ValueError("Write your reason as text.")
    if len(reason) > MAX_REASON:
        raise ValueError(
            f"Keep your reason to {MAX_REASON} characters; yours has {len(reason)}. "
            "Shorten it and commit again."
        )
    return choice, reason.strip()


def record_dilemma_response(
    session: Session, *, user_id: int, lesson_slug: str, dilemma_id: str, choice: str, reason: str
) -> None:
    session.add(
        DilemmaResponse(
            user_id=user_id,
            lesson_slug=lesson_slug,
            dilemma_id=dilemma_id,
            choice=choice,
            reason=reason,
            created_at=utcnow(),
        )
    )
    session.commit()


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonProgress:
    slug: str
    title: str
    score: float  # sum over questions of the best score on each
    max_score: int  # one point per question
    questions_done: int  # answered right, or out of tries
    questions_tried: int
    total: int
    questions: list[QuestionState] = field(default_factory=list)


def progress(session: Session, *, user_id: int, lessons: list[Lesson]) -> list[LessonProgress]:
    """Return the student's standing in every lesson that has a quiz (current versions)."""
    rows = session.execute(
        select(
            Attempt.lesson_slug,
            Attempt.question_id,
            Attempt.question_version,
            Attempt.score,
            Attempt.correct,
        ).where(Attempt.user_id == user_id)
    ).all()
    by_question: dict[tuple[str, str, str], list[_Row]] = {}
    for r in rows:
        by_question.setdefault((r.lesson_slug, r.question_id, r.question_version), []).append(r)
    return [
        lesson_progress(
            lesson,
            [
                _state(q, by_question.get((lesson.slug, q.id, question_version(q)), []))
                for q in lesson.questions
            ],
        )
        for lesson in lessons
        if lesson.questions
    ]


def lesson_progress(lesson: Lesson, states: list[QuestionState]) -> LessonProgress:
    """Return the lesson's totals over the student's states on its questions."""
    return LessonProgress(
        slug=lesson.slug,
        title=lesson.title,
        score=round(sum(s.best for s in states), 4),
        max_score=len(states),
        questions_done=sum(s.finished for s in states),
        questions_tried=sum(s.tries > 0 for s in states),
        total=len(states),
        questions=states,
    )


# --- where a student left off in one lesson ---------------------------------------------------


@dataclass(frozen=True)
class QuestionRecord:
    """A student's state on one question and what they were told about their last try."""

    state: QuestionState
    last_answer: Answer | None = None  # in normal form (app/quiz/grading.py)
    last: AttemptResult | None = None


@dataclass(frozen=True)
class LessonRecord:
    progress: LessonProgress
    questions: dict[str, QuestionRecord]
    dilemmas: dict[str, tuple[str, str]]  # dilemma id -> (choice, reason) of the latest response


class _StoredRow(_Row, Protocol):
    answer: Any


def _last_result(question: Question, rows: Sequence[_StoredRow], user_id: int) -> QuestionRecord:
    """Return the record of `rows` (one student's tries, in order), regrading the last try so
    that its feedback follows the current wording of the question."""
    state = _state(question, rows)
    if not rows:
        return QuestionRecord(state)
    *earlier, last = rows
    try:
        answer = parse_answer(question, last.answer)
    except MalformedAnswer:  # cannot happen while the version holds; show the state only
        return QuestionRecord(state)
    g = grade(question, answer, variant_key=variant_key(user_id))
    before = _state(question, earlier)
    return QuestionRecord(state, answer, _result(question, g, before, saved=True))


def lesson_record(session: Session, *, user_id: int, lesson: Lesson) -> LessonRecord:
    """Return where the student left off in `lesson`: every question's state and last result
    (current versions), the lesson's totals, and their latest response to each dilemma."""
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
    by_question: dict[tuple[str, str], list[_StoredRow]] = {}
    for r in rows:
        by_question.setdefault((r.question_id, r.question_version), []).append(r)
    questions = {
        q.id: _last_result(q, by_question.get((q.id, question_version(q)), []), user_id)
        for q in lesson.questions
    }
    responses = session.execute(
        select(DilemmaResponse.dilemma_id, DilemmaResponse.choice, DilemmaResponse.reason)
        .where(DilemmaResponse.user_id == user_id, DilemmaResponse.lesson_slug == lesson.slug)
        .order_by(DilemmaResponse.id)
    ).all()
    known = {d.id: {o.id for o in d.options} for d in lesson.dilemmas}
    dilemmas = {
        r.dilemma_id: (r.choice, r.reason)
        for r in responses  # later rows win: the latest response
        if r.choice in known.get(r.dilemma_id, set())
    }
    states = [questions[q.id].state for q in lesson.questions]
    return LessonRecord(lesson_progress(lesson, states), questions, dilemmas)
