"""A student's full record: every try with its answer in words and the feedback they got, and
every dilemma response, per lesson. The same entries feed the record pages (the instructor's
view of a student, a student's own) and the CSV exports.

Feedback is not stored: it is recomputed by the question's kind from the stored answer, which
is cheap (grading is pure) and exact while the question's version is the one the try
answered. For a try at an older version, or at a question since removed, only the stored
score and verdict are shown (`feedback` is None).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Question
from app.db.models import GUEST, STUDENT, Attempt, DilemmaResponse, User
from app.plaintext import printable
from app.quiz.attempts import QuestionState, attempt_result
from app.quiz.errors import MalformedAnswer
from app.quiz.grading import grade, parse_answer, question_version
from app.quiz.kinds import kind_of
from app.quiz.variants import variant_key

YIELD_PER = 500  # rows fetched per round trip when streaming
RAW_ANSWER_CHARS = 200  # an answer that can't be read is shown as its JSON, cut here


@dataclass(frozen=True)
class AttemptEntry:
    user_id: int
    username: str
    lesson_slug: str
    question_id: str
    question_version: str
    current: bool  # the try answered the question's current version
    prompt: str  # "" when the question was removed from the lesson
    number: int
    answer: str  # in words, as the class overview names answers
    raw_answer: str  # as stored (JSON)
    score: float
    correct: bool
    confidence: int | None
    feedback: tuple[str, ...] | None  # recomputed; None when it can't be (see module doc)
    created_at: datetime


@dataclass(frozen=True)
class DilemmaEntry:
    user_id: int
    username: str
    lesson_slug: str
    dilemma_id: str
    title: str  # "" when the dilemma was removed
    round: int
    choice_id: str
    choice: str  # the option's text, or its id when the option was removed
    reason: str
    confidence: int | None
    hidden: bool
    hidden_at: datetime | None
    created_at: datetime


@dataclass
class LessonRecord:
    slug: str
    title: str
    attempts: list[AttemptEntry] = field(default_factory=list)
    dilemmas: list[DilemmaEntry] = field(default_factory=list)


@dataclass(frozen=True)
class StudentRecord:
    user_id: int
    username: str
    lessons: list[LessonRecord]


class _Describer:
    """Turns stored tries into entries. Rows must come grouped by (user, lesson, question,
    version) and ordered by try number, so that each try's feedback can follow the tries
    before it (hints and the last try's feedback depend on them)."""

    def __init__(self, lessons: Mapping[str, Lesson]) -> None:
        self._lessons = lessons
        self._key: tuple[int, str, str, str] | None = None
        self._before: list[Any] = []

    def entry(self, r: Any) -> AttemptEntry:
        key = (r.user_id, r.lesson_slug, r.question_id, r.question_version)
        if key != self._key:
            self._key, self._before = key, []
        lesson = self._lessons.get(r.lesson_slug)
        question = lesson.question(r.question_id) if lesson else None
        current = question is not None and question_version(question) == r.question_version
        words, feedback = _words(question, r, self._before if current else None)
        self._before.append(r)
        return AttemptEntry(
            user_id=r.user_id,
            username=r.username,
            lesson_slug=r.lesson_slug,
            question_id=r.question_id,
            question_version=r.question_version,
            current=current,
            prompt=question.prompt if question else "",
            number=r.number,
            answer=printable(words),
            raw_answer=printable(_json(r.answer)),
            score=r.score,
            correct=r.correct,
            confidence=r.confidence,
            feedback=None if feedback is None else tuple(printable(f) for f in feedback),
            created_at=r.created_at,
        )


def _json(answer: Any) -> str:
    try:
        return json.dumps(answer, ensure_ascii=False)
    except ValueError:  # cannot happen for rows read back from JSON; shown all the same
        return repr(answer)


def _words(
    question: Question | None, r: Any, before: list[Any] | None
) -> tuple[str, list[str] | None]:
    """Return the answer in words and, when `before` is given (the tries before this one at
    the current version), the feedback the student was shown."""
    if question is None:
        return _json(r.answer)[:RAW_ANSWER_CHARS], None
    try:
        parsed = parse_answer(question, r.answer)
    except MalformedAnswer:
        return _json(r.answer)[:RAW_ANSWER_CHARS], None
    words = kind_of(question).describe(question, parsed)
    if before is None:
        return words, None
    g = grade(question, parsed, variant_key=variant_key(r.user_id))
    state = QuestionState(
        question=question,
        tries=len(before),
        wrong_tries=sum(not b.correct for b in before),
        best=max((b.score for b in before), default=0.0),
        correct=any(b.correct for b in before),
    )
    shown = attempt_result(question, g, state, kept=True)
    return words, shown.feedback + shown.misconceptions


def _attempts_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Attempt.user_id,
            User.username,
            Attempt.lesson_slug,
            Attempt.question_id,
            Attempt.question_version,
            Attempt.number,
            Attempt.answer,
            Attempt.score,
            Attempt.correct,
            Attempt.confidence,
            Attempt.created_at,
        )
        .join(User, User.id == Attempt.user_id)
        .order_by(
            User.username,
            Attempt.user_id,
            Attempt.lesson_slug,
            Attempt.question_id,
            Attempt.question_version,
            Attempt.number,
        )
        .execution_options(yield_per=YIELD_PER)
    )


def _dilemmas_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            DilemmaResponse.user_id,
            User.username,
            DilemmaResponse.lesson_slug,
            DilemmaResponse.dilemma_id,
            DilemmaResponse.round,
            DilemmaResponse.choice,
            DilemmaResponse.reason,
            DilemmaResponse.confidence,
            DilemmaResponse.hidden_at,
            DilemmaResponse.created_at,
        )
        .join(User, User.id == DilemmaResponse.user_id)
        .order_by(
            User.username,
            DilemmaResponse.user_id,
            DilemmaResponse.lesson_slug,
            DilemmaResponse.dilemma_id,
            DilemmaResponse.round,
        )
        .execution_options(yield_per=YIELD_PER)
    )


def attempt_entries(
    session: Session,
    *,
    lessons: Mapping[str, Lesson],
    user_id: int | None = None,
    lesson_slug: str | None = None,
) -> Iterator[AttemptEntry]:
    """Yield the tries of one user (`user_id`) or of every student in one lesson
    (`lesson_slug`), streamed, by username, lesson, question and try."""
    stmt = _attempts_query()
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    if lesson_slug is not None:
        stmt = stmt.where(Attempt.lesson_slug == lesson_slug, User.role == STUDENT)
    describer = _Describer(lessons)
    for r in session.execute(stmt):
        yield describer.entry(r)


def dilemma_entries(
    session: Session,
    *,
    lessons: Mapping[str, Lesson],
    user_id: int | None = None,
    lesson_slug: str | None = None,
) -> Iterator[DilemmaEntry]:
    """Yield the dilemma responses of one user or of every student in one lesson, streamed,
    by username, lesson, dilemma and round."""
    stmt = _dilemmas_query()
    if user_id is not None:
        stmt = stmt.where(DilemmaResponse.user_id == user_id)
    if lesson_slug is not None:
        stmt = stmt.where(DilemmaResponse.lesson_slug == lesson_slug, User.role == STUDENT)
    for r in session.execute(stmt):
        lesson = lessons.get(r.lesson_slug)
        dilemma = lesson.dilemma(r.dilemma_id) if lesson else None
        texts = {o.id: o.text for o in dilemma.options} if dilemma else {}
        yield DilemmaEntry(
            user_id=r.user_id,
            username=r.username,
            lesson_slug=r.lesson_slug,
            dilemma_id=r.dilemma_id,
            title=dilemma.title if dilemma else "",
            round=r.round,
            choice_id=r.choice,
            choice=printable(texts.get(r.choice, r.choice)),
            reason=printable(r.reason),
            confidence=r.confidence,
            hidden=r.hidden_at is not None,
            hidden_at=r.hidden_at,
            created_at=r.created_at,
        )


def find_student(session: Session, *, user_id: int) -> tuple[int, str] | None:
    """Return (id, username) of an account that has a record (not a guest), or None."""
    row = session.execute(
        select(User.id, User.username).where(User.id == user_id, User.role != GUEST)
    ).first()
    return None if row is None else (row.id, row.username)


def student_record(
    session: Session, *, user_id: int, username: str, lessons: Iterable[Lesson]
) -> StudentRecord:
    """Return everything `user_id` answered, per lesson: the course's lessons in order, then
    lessons since removed (named by their slug)."""
    by_slug = {lesson.slug: lesson for lesson in lessons}
    found: dict[str, LessonRecord] = {
        slug: LessonRecord(slug=slug, title=lesson.title) for slug, lesson in by_slug.items()
    }
    for a in attempt_entries(session, lessons=by_slug, user_id=user_id):
        found.setdefault(a.lesson_slug, LessonRecord(a.lesson_slug, a.lesson_slug)).attempts.append(
            a
        )
    for d in dilemma_entries(session, lessons=by_slug, user_id=user_id):
        found.setdefault(d.lesson_slug, LessonRecord(d.lesson_slug, d.lesson_slug)).dilemmas.append(
            d
        )
    for slug, record in found.items():
        lesson = by_slug.get(slug)
        if lesson is not None:  # the lesson's own order rather than the ids' order
            q_order = {q.id: i for i, q in enumerate(lesson.questions)}
            d_order = {d.id: i for i, d in enumerate(lesson.dilemmas)}
            record.attempts.sort(key=lambda a: (q_order.get(a.question_id, len(q_order)),))
            record.dilemmas.sort(key=lambda d: (d_order.get(d.dilemma_id, len(d_order)),))
    kept = [r for r in found.values() if r.attempts or r.dilemmas]
    return StudentRecord(user_id=user_id, username=username, lessons=kept)
