"""The course gradebook: one row per student account, one column per lesson (in course
order), built from each lesson's gradebook rows so that both count a score the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.instructor.gradebook import (
    SortKey,
    SortOrder,
    StudentRow,
    percent,
    sorted_rows,
    student_rows,
)


@dataclass(frozen=True)
class LessonScore:
    """One student's standing in one lesson."""

    score: float  # sum of best scores over the lesson's questions
    max_score: int  # the lesson's number of questions
    tries: int

    @property
    def percent(self) -> float:
        return percent(self.score, self.max_score)


@dataclass(frozen=True)
class CourseRow:
    user_id: int
    username: str
    lessons: tuple[LessonScore, ...]  # in course order
    last_activity: datetime | None  # latest in any lesson

    @property
    def score(self) -> float:
        return round(sum(s.score for s in self.lessons), 4)

    @property
    def max_score(self) -> int:
        return sum(s.max_score for s in self.lessons)

    @property
    def percent(self) -> float:
        return percent(self.score, self.max_score)

    @property
    def tries(self) -> int:
        return sum(s.tries for s in self.lessons)


def course_student_rows(session: Session, *, course: Sequence[Lesson]) -> list[CourseRow]:
    """Return one row per student account, by username.

    Each lesson's gradebook query runs in turn, one student's tries in memory at a time, and
    keeps only the lesson totals: a class of a few thousand is a few thousand small rows. A
    student who registered between two of the queries gets empty lessons, never a wrong row.
    """
    names: dict[int, str] = {}
    per_lesson: list[dict[int, StudentRow]] = []
    for lesson in course:
        rows = {r.user_id: r for r in student_rows(session, lesson=lesson)}
        names.update((user_id, r.username) for user_id, r in rows.items())
        per_lesson.append(rows)
    out = []
    for user_id, username in sorted(names.items(), key=lambda item: (item[1], item[0])):
        mine = [rows.get(user_id) for rows in per_lesson]
        times = [r.last_activity for r in mine if r is not None and r.last_activity is not None]
        scores = tuple(
            LessonScore(r.score, r.max_score, r.tries)
            if r is not None
            else LessonScore(0.0, len(lesson.questions), 0)
            for r, lesson in zip(mine, course, strict=True)
        )
        out.append(CourseRow(user_id, username, scores, max(times, default=None)))
    return out


def course_gradebook(
    session: Session, *, course: Sequence[Lesson], key: SortKey = "name", order: SortOrder = "asc"
) -> list[CourseRow]:
    """Return every student's course row, sorted."""
    return sorted_rows(course_student_rows(session, course=course), key=key, order=order)
