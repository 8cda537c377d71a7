"""The gradebook of one lesson: one row per student account (guests and instructors are no
one's grade), with the lesson score, each question's best and first-try score, the tries and
the last activity. Scores count the current version of each question, as "My progress" does.

Rows are built from one query read as a stream (`yield_per`), ordered by student, so that the
CSV export holds one student's tries in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, Literal, Protocol, TypeVar, get_args

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.db.models import STUDENT, Attempt, DilemmaResponse, User
from app.quiz.grading import question_version

SortKey = Literal["name", "score", "last"]
SortOrder = Literal["asc", "desc"]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)
YIELD_PER = 500  # rows fetched per round trip when streaming
NEVER = datetime.min.replace(tzinfo=UTC)  # sorts students with no activity first


@dataclass(frozen=True)
class QuestionCell:
    """One student's standing on one question (its current version)."""

    best: float | None  # None: never tried
    first: float | None  # the score of try 1; None: never tried
    tries: int


@dataclass(frozen=True)
class StudentRow:
    user_id: int
    username: str
    score: float  # sum of the best scores over the lesson's questions
    max_score: int  # the number of questions
    cells: tuple[QuestionCell, ...]  # in the lesson's question order
    last_activity: datetime | None  # latest try (any version) or dilemma response here

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 1) if self.max_score else 0.0

    @property
    def tries(self) -> int:
        return sum(c.tries for c in self.cells)


def student_rows(session: Session, *, lesson: Lesson) -> Iterator[StudentRow]:
    """Yield one row per student account, by username, reading the tries as a stream."""
    last_response = (
        select(
            DilemmaResponse.user_id.label("user_id"),
            func.max(DilemmaResponse.created_at).label("at"),
        )
        .where(DilemmaResponse.lesson_slug == lesson.slug)
        .group_by(DilemmaResponse.user_id)
        .subquery()
    )
    stmt = (
        select(
            User.id.label("user_id"),
            User.username,
            Attempt.question_id,
            Attempt.question_version,
            Attempt.number,
            Attempt.score,
            Attempt.created_at,
            last_response.c.at.label("responded_at"),
        )
        .select_from(User)
        .outerjoin(Attempt, and_(Attempt.user_id == User.id, Attempt.lesson_slug == lesson.slug))
        .outerjoin(last_response, last_response.c.user_id == User.id)
        .where(User.role == STUDENT)
        .order_by(User.username, User.id, Attempt.question_id, Attempt.number)
        .execution_options(yield_per=YIELD_PER)
    )
    current = {q.id: question_version(q) for q in lesson.questions}
    result = session.execute(stmt)
    for (user_id, username), rows in groupby(result, key=lambda r: (r.user_id, r.username)):
        yield _row(lesson, current, user_id, username, list(rows))


def _row(
    lesson: Lesson, current: dict[str, str], user_id: int, username: str, rows: Sequence[Any]
) -> StudentRow:
    tries = [r for r in rows if r.question_id is not None]  # the outer join's empty row
    mine = [r for r in tries if current.get(r.question_id) == r.question_version]
    cells = []
    for q in lesson.questions:
        scores = [r for r in mine if r.question_id == q.id]
        first = next((r.score for r in scores if r.number == 1), None)
        best = max((r.score for r in scores), default=None)
        cells.append(QuestionCell(best=best, first=first, tries=len(scores)))
    times = [r.created_at for r in tries] + [r.responded_at for r in rows[:1] if r.responded_at]
    return StudentRow(
        user_id=user_id,
        username=username,
        score=round(sum(c.best or 0.0 for c in cells), 4),
        max_score=len(lesson.questions),
        cells=tuple(cells),
        last_activity=max(times, default=None),
    )


class Sortable(Protocol):
    """A gradebook row, of a lesson or of the course."""

    @property
    def user_id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def last_activity(self) -> datetime | None: ...


RowT = TypeVar("RowT", bound=Sortable)


def sorted_rows(rows: Sequence[RowT], *, key: SortKey, order: SortOrder) -> list[RowT]:
    """Return the rows sorted by `key`; ties stay in username order either way."""
    by_name = sorted(rows, key=lambda r: (r.username, r.user_id), reverse=order == "desc")
    if key == "name":
        return by_name
    by_name = sorted(rows, key=lambda r: (r.username, r.user_id))
    if key == "score":
        return sorted(by_name, key=lambda r: r.score, reverse=order == "desc")
    return sorted(by_name, key=lambda r: r.last_activity or NEVER, reverse=order == "desc")


def gradebook(
    session: Session, *, lesson: Lesson, key: SortKey = "name", order: SortOrder = "asc"
) -> list[StudentRow]:
    """Return every student's row in `lesson`, sorted."""
    return sorted_rows(list(student_rows(session, lesson=lesson)), key=key, order=order)
