"""The CSV writer: formula cells neutralized, text written a chunk at a time from a stream
of rows, and the queries read with yield_per on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from db_fixtures import QUIZ_YAML
from pydantic import TypeAdapter
from sqlalchemy import event

from app.content.model import Lesson
from app.content.schema import Question
from app.db.database import Database
from app.db.models import Attempt, User
from app.instructor.export import CHUNK_CHARS, Cell, attempts_table, csv_chunks, neutralize
from app.instructor.gradebook import student_rows
from app.quiz.grading import question_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
        ("x\x00y", "x\ufffdy"),  # not text: can't be written as UTF-8 or typed
    ],
)
def test_neutralize(text: str, expected: str) -> None:
    assert neutralize(text) == expected


def test_csv_is_written_a_chunk_at_a_time_from_a_lazy_stream() -> None:
    consumed = 0

    def rows() -> Iterator[Sequence[Cell]]:
        nonlocal consumed
        for i in range(5000):
            consumed += 1
            yield [f"student{i}", i / 7, i % 2 == 0, None]

    chunks = csv_chunks(["username", "score", "correct", "confidence"], rows())
    first = next(chunks)
    assert consumed < 5000, "the first chunk leaves before every row is read"
    assert CHUNK_CHARS <= len(first) < CHUNK_CHARS + 100
    text = first + "".join(chunks)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == ["username", "score", "correct", "confidence"]
    assert len(parsed) == 5001
    assert parsed[8] == ["student7", "1.0", "false", ""]
    assert float(parsed[4][1]) == 3 / 7  # numbers read back exactly


def lesson() -> Lesson:
    questions = tuple(
        TypeAdapter(Question).validate_python(q) for q in yaml.safe_load(QUIZ_YAML)["questions"]
    )
    return Lesson(
        slug="quizzy", title="Quiz lesson", summary="", order=1, sections=(), questions=questions
    )


def test_exports_stream_with_yield_per_and_mark_old_versions(db: Database) -> None:
    quizzy = lesson()
    single = quizzy.question("single")
    assert single is not None
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session(write=True) as s:
        users = [User(username=f"s{i:03}", password_hash="x", role="student") for i in range(40)]
        s.add_all(users)
        s.flush()
        for u in users:
            s.add(
                Attempt(
                    user_id=u.id,
                    lesson_slug="quizzy",
                    question_id="single",
                    question_version=question_version(single),
                    number=1,
                    answer="weights",
                    score=0.0,
                    correct=False,
                    created_at=at,
                )
            )
            s.add(
                Attempt(
                    user_id=u.id,
                    lesson_slug="quizzy",
                    question_id="single",
                    question_version="old-version",
                    number=1,
                    answer="weights",
                    score=1.0,
                    correct=True,
                    created_at=at,
                )
            )
        s.commit()
    options: list[Any] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def seen(conn: Any, cursor: Any, stmt: str, params: Any, context: Any, many: bool) -> None:
        options.append(context.execution_options)

    with db.session(write=False) as s:
        rows = list(student_rows(s, lesson=quizzy))
        table = attempts_table(s, lessons={"quizzy": quizzy}, lesson_slug="quizzy")
        tries = list(table.rows)
    assert all(o.get("yield_per") == 500 and o.get("stream_results") for o in options[-2:])
    assert len(rows) == 40 and all(r.score == 0.0 and r.tries == 1 for r in rows)
    assert len(tries) == 80
    header = table.header
    old = [t for t in tries if t[header.index("question_version")] == "old-version"]
    assert len(old) == 40
    assert all(t[header.index("current_version")] is False for t in old)
    assert all(t[header.index("feedback")] is None for t in old), "stored score only"
    assert all(t[header.index("answer")] == "The weights" for t in old)
