"""The schema (via Alembic) and the SQLite tuning, read back from the database itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from app.db.database import Database, make_engine
from app.db.migrate import HEAD, current_revision, downgrade, upgrade
from app.db.models import Attempt, AuthSession, Base, User, utcnow


def _attempt(user_id: int, number: int = 1) -> Attempt:
    return Attempt(
        user_id=user_id,
        lesson_slug="l",
        question_id="q",
        question_version="v1",
        number=number,
        answer="a",
        score=1.0,
        correct=True,
    )


def test_migrations_create_exactly_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_downgrade_and_upgrade_again(database_url: str) -> None:
    upgrade(database_url)
    assert current_revision(database_url) == HEAD
    upgrade(database_url)  # a second run is a no-op
    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(database_url)
    assert current_revision(database_url) == HEAD


def test_sqlite_pragmas_read_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    db = Database.from_url(url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_sqlite_write_sessions_take_the_write_lock_up_front(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    upgrade(f"sqlite:///{path}")
    db = Database.from_url(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.session(write=False) as reader:
            reader.execute(select(func.count()).select_from(User))  # deferred BEGIN: no lock
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        with db.session(write=True) as writer:
            writer.execute(select(func.count()).select_from(User))  # BEGIN IMMEDIATE
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            writer.rollback()
        other.execute("BEGIN IMMEDIATE")  # released at the end of the transaction
        other.execute("ROLLBACK")
    finally:
        other.close()
        db.dispose()


def test_deleting_a_user_deletes_their_sessions_and_attempts(db: Database) -> None:
    with db.session(write=True) as s:
        user = User(username="ann", password_hash="x", role="student")
        s.add(user)
        s.flush()
        s.add_all(
            [
                _attempt(user.id),
                AuthSession(token_hash="h" * 64, user_id=user.id, expires_at=utcnow()),
            ]
        )
        s.commit()
        s.execute(delete(User).where(User.id == user.id))
        s.commit()
        assert s.scalar(select(func.count()).select_from(Attempt)) == 0
        assert s.scalar(select(func.count()).select_from(AuthSession)) == 0


def test_a_try_number_is_taken_once(db: Database) -> None:
    with db.session(write=True) as s:
        user = User(username="ann", password_hash="x", role="student")
        s.add(user)
        s.commit()
        s.add(_attempt(user.id, 1))
        s.commit()
        s.add(_attempt(user.id, 1))
        with pytest.raises(IntegrityError):
            s.commit()


@pytest.mark.parametrize(
    "bad",
    [
        {"role": "admin"},
        {"score": 1.5},
        {"number": 0},
    ],
)
def test_check_constraints(db: Database, bad: dict[str, object]) -> None:
    with db.session(write=True) as s:
        user = User(username="ann", password_hash="x", role=str(bad.get("role", "student")))
        s.add(user)
        if "role" not in bad:
            s.commit()
            attempt = _attempt(user.id)
            for key, value in bad.items():
                setattr(attempt, key, value)
            s.add(attempt)
        with pytest.raises(IntegrityError):
            s.commit()


def test_times_come_back_timezone_aware(db: Database) -> None:
    with db.session(write=True) as s:
        s.add(User(username="ann", password_hash="x", role="student"))
        s.commit()
    with db.session(write=False) as s:
        created = s.scalar(select(User.created_at))
        assert created is not None and created.utcoffset() is not None
        assert s.scalar(text("SELECT 1")) == 1


def test_upgrade_numbers_earlier_dilemma_responses_as_rounds(database_url: str) -> None:
    upgrade(database_url, "0004")
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, created_at) VALUES "
                "(1, 'ann', 'x', 'student', :t), (2, 'bob', 'x', 'student', :t)"
            ),
            {"t": utcnow()},
        )
        for user_id, dilemma, choice in [
            (1, "d", "a"),
            (2, "d", "b"),
            (1, "d", "b"),
            (1, "e", "a"),
        ]:
            conn.execute(
                text(
                    "INSERT INTO dilemma_responses (user_id, lesson_slug, dilemma_id, choice, "
                    "reason, created_at) VALUES (:u, 'l', :d, :c, '', :t)"
                ),
                {"u": user_id, "d": dilemma, "c": choice, "t": utcnow()},
            )
    engine.dispose()
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT user_id, dilemma_id, choice, round FROM dilemma_responses ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, "d", "a", 1),
        (2, "d", "b", 1),
        (1, "d", "b", 2),
        (1, "e", "a", 1),
    ]


def test_confidence_is_one_to_five(db: Database) -> None:
    with db.session(write=True) as s:
        user = User(username="ann", password_hash="x", role="student")
        s.add(user)
        s.commit()
        attempt = _attempt(user.id)
        attempt.confidence = 5
        s.add(attempt)
        s.commit()
        attempt = _attempt(user.id, 2)
        attempt.confidence = 6
        s.add(attempt)
        with pytest.raises(IntegrityError):
            s.commit()
