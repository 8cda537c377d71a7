"""CSV exports, written in one place for the routes and the `parade scores export` command:
the course gradebook, a lesson's gradebook, every try, every dilemma response, and a
student's own record.

Each export is a header and a stream of rows (the queries read with `yield_per`), turned into
text a chunk at a time by the stdlib csv writer, so no export is built whole in memory.
Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a formula;
every text cell that does is prefixed with a single quote (OWASP's CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, get_args

from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.db.database import Database
from app.instructor.coursebook import course_student_rows
from app.instructor.gradebook import student_rows
from app.instructor.records import attempt_entries, dilemma_entries
from app.plaintext import printable

What = Literal["gradebook", "attempts", "dilemmas"]
WHATS: tuple[What, ...] = get_args(What)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_CHARS = 16_384  # text handed on at a time
Cell = str | int | float | bool | datetime | None


def neutralize(text: str) -> str:
    """Return `text` made safe to open in a spreadsheet: a leading quote when it could start
    a formula, and U+FFFD for anything that is not plain text (it can't be UTF-8)."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Cell) -> str:
    """Return one value as CSV text: numbers as Python writes them (they read back exactly),
    booleans as true/false, times in ISO 8601 (UTC), text neutralized."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return neutralize(value)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """Yield the CSV text of `header` and `rows`, a chunk of about CHUNK_CHARS at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180's line ending
    writer.writerow([neutralize(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[Sequence[Cell]]


def gradebook_table(session: Session, *, lesson: Lesson) -> Table:
    """Return the gradebook: per student the lesson score, each question's best and first
    score (empty: never tried), the tries and the last activity."""
    header = ["username", "score", "max_score", "percent"]
    for q in lesson.questions:
        header += [f"{q.id} best", f"{q.id} first"]
    header += ["tries", "last_activity"]

    def rows() -> Iterator[Sequence[Cell]]:
        for r in student_rows(session, lesson=lesson):
            scores: list[Cell] = []
            for c in r.cells:
                scores += [c.best, c.first]
            yield [r.username, r.score, r.max_score, r.percent, *scores, r.tries, r.last_activity]

    return Table(header, rows())


ATTEMPT_HEADER = [
    "username",
    "lesson",
    "question_id",
    "question_version",
    "current_version",
    "prompt",
    "try",
    "answer",
    "answer_json",
    "score",
    "correct",
    "confidence",
    "feedback",
    "created_at",
]


def attempts_table(
    session: Session,
    *,
    lessons: Mapping[str, Lesson],
    lesson_slug: str | None = None,
    user_id: int | None = None,
) -> Table:
    """Return every try of the lesson's students (or of one user), with the answer in words
    and the feedback recomputed where it can be (empty: not recomputed, see records.py)."""

    def rows() -> Iterator[Sequence[Cell]]:
        entries = attempt_entries(
            session, lessons=lessons, lesson_slug=lesson_slug, user_id=user_id
        )
        for a in entries:
            feedback = None if a.feedback is None else " ".join(a.feedback)
            yield [
                a.username,
                a.lesson_slug,
                a.question_id,
                a.question_version,
                a.current,
                a.prompt,
                a.number,
                a.answer,
                a.raw_answer,
                a.score,
                a.correct,
                a.confidence,
                feedback,
                a.created_at,
            ]

    return Table(list(ATTEMPT_HEADER), rows())


DILEMMA_HEADER = [
    "username",
    "lesson",
    "dilemma_id",
    "title",
    "round",
    "choice_id",
    "choice",
    "reason",
    "confidence",
    "hidden",
    "hidden_at",
    "created_at",
]


def dilemmas_table(
    session: Session,
    *,
    lessons: Mapping[str, Lesson],
    lesson_slug: str | None = None,
    user_id: int | None = None,
) -> Table:
    """Return every dilemma response of the lesson's students (or of one user): round,
    choice, reason, confidence and whether an instructor hid the reason."""

    def rows() -> Iterator[Sequence[Cell]]:
        entries = dilemma_entries(
            session, lessons=lessons, lesson_slug=lesson_slug, user_id=user_id
        )
        for d in entries:
            yield [
                d.username,
                d.lesson_slug,
                d.dilemma_id,
                d.title,
                d.round,
                d.choice_id,
                d.choice,
                d.reason,
                d.confidence,
                d.hidden,
                d.hidden_at,
                d.created_at,
            ]

    return Table(list(DILEMMA_HEADER), rows())


RECORD_HEADER = [
    "kind",
    "lesson",
    "item_id",
    "prompt",
    "try_or_round",
    "answer",
    "score",
    "correct",
    "confidence",
    "feedback",
    "reason",
    "hidden",
    "created_at",
]


def record_table(session: Session, *, lessons: Mapping[str, Lesson], user_id: int) -> Table:
    """Return one student's record as one table: their tries (kind "question": the answer in
    words, score, feedback), then their dilemma responses (kind "dilemma": the choice's text
    as the answer, the reason and whether it was hidden)."""

    def rows() -> Iterator[Sequence[Cell]]:
        for a in attempt_entries(session, lessons=lessons, user_id=user_id):
            feedback = None if a.feedback is None else " ".join(a.feedback)
            yield [
                "question",
                a.lesson_slug,
                a.question_id,
                a.prompt,
                a.number,
                a.answer,
                a.score,
                a.correct,
                a.confidence,
                feedback,
                None,
                None,
                a.created_at,
            ]
        for d in dilemma_entries(session, lessons=lessons, user_id=user_id):
            yield [
                "dilemma",
                d.lesson_slug,
                d.dilemma_id,
                d.title,
                d.round,
                d.choice,
                None,
                None,
                d.confidence,
                None,
                d.reason,
                d.hidden,
                d.created_at,
            ]

    return Table(list(RECORD_HEADER), rows())


def course_table(session: Session, *, course: Sequence[Lesson]) -> Table:
    """Return the course gradebook: per student the course score, each lesson's score (in
    course order), the tries and the last activity."""
    header = ["username", "score", "max_score", "percent"]
    for lesson in course:
        header += [f"{lesson.slug} score", f"{lesson.slug} max_score"]
    header += ["tries", "last_activity"]

    def rows() -> Iterator[Sequence[Cell]]:
        for r in course_student_rows(session, course=course):
            scores: list[Cell] = []
            for s in r.lessons:
                scores += [s.score, s.max_score]
            yield [r.username, r.score, r.max_score, r.percent, *scores, r.tries, r.last_activity]

    return Table(header, rows())


def stream_course_csv(database: Database, *, course: Sequence[Lesson]) -> Iterator[str]:
    """Yield the CSV of the course gradebook, read in its own session."""
    with database.session(write=False) as session:
        table = course_table(session, course=course)
        yield from csv_chunks(table.header, table.rows)


def lesson_table(
    session: Session, *, what: What, lesson: Lesson, lessons: Mapping[str, Lesson]
) -> Table:
    """Return the export `what` of `lesson`."""
    if what == "gradebook":
        return gradebook_table(session, lesson=lesson)
    if what == "attempts":
        return attempts_table(session, lessons=lessons, lesson_slug=lesson.slug)
    return dilemmas_table(session, lessons=lessons, lesson_slug=lesson.slug)


def stream_lesson_csv(
    database: Database, *, what: What, lesson: Lesson, lessons: Mapping[str, Lesson]
) -> Iterator[str]:
    """Yield the CSV of export `what`, read in its own session: a streamed response outlives
    the request's session."""
    with database.session(write=False) as session:
        table = lesson_table(session, what=what, lesson=lesson, lessons=lessons)
        yield from csv_chunks(table.header, table.rows)


def stream_record_csv(
    database: Database, *, user_id: int, lessons: Mapping[str, Lesson]
) -> Iterator[str]:
    """Yield the CSV of one student's record, read in its own session."""
    with database.session(write=False) as session:
        table = record_table(session, lessons=lessons, user_id=user_id)
        yield from csv_chunks(table.header, table.rows)


def filename(*parts: str, today: date | None = None) -> str:
    """Return a download's file name, e.g. parade-rnn-gradebook-2026-01-31.csv."""
    day = (today or date.today()).isoformat()
    return "-".join(["parade", *parts, day]) + ".csv"
