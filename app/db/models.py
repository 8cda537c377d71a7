"""SQLAlchemy ORM models: accounts, their sessions, login failures, registration attempts,
quiz attempts, dilemma responses. Alembic (app/db/migrations) owns the schema; these classes
describe it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Role = Literal["student", "instructor"]
ROLES: tuple[Role, ...] = ("student", "instructor")
CONFIDENCE_RANGE = "confidence IS NULL OR (confidence >= 1 AND confidence <= 5)"
STUDENT: Role = "student"  # the class: guests and instructors are no one's class statistics
GUEST = "guest"  # the role of a guest's row (app/accounts/guests.py); never an Account


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use app.models.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    # Named constraints, so migrations can refer to them on every backend.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('student', 'instructor', 'guest')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)  # stored lowercased
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, PHC string format
    role: Mapped[str] = mapped_column(String(16), default="student")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthSession(Base):
    """A logged-in browser. Only a SHA-256 of the cookie's token is kept, so a copy of the
    database cannot be replayed as cookies."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginFailure(Base):
    """One failed login, counted per account and per client to enforce the login limit."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "created_at"),
        Index("ix_login_failures_client_at", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(128))
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegistrationAttempt(Base):
    """One attempt to create an account, counted per client to enforce the sign-up limit."""

    __tablename__ = "registration_attempts"
    __table_args__ = (Index("ix_registration_attempts_client_at", "client", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsageEvent(Base):
    """One counted use for a rate limit (app/limits/usage.py): an answer posted (`amount` 1)
    or an engine request's CPU-seconds, per `key` (a student, guest or client address)."""

    __tablename__ = "usage_events"
    __table_args__ = (
        Index("ix_usage_events_kind_key_at", "kind", "key", "created_at"),
        Index("ix_usage_events_kind_at", "kind", "created_at"),  # purging stale rows
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "answer" or "cpu"
    key: Mapped[str] = mapped_column(String(80))
    amount: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainLease(Base):
    """A training stream running for `client` (app/limits/streams.py). Deleted when the stream
    ends; a worker killed mid-stream leaves it behind, so it counts only until `expires_at`,
    which the running stream keeps pushing forward."""

    __tablename__ = "train_leases"
    __table_args__ = (Index("ix_train_leases_client_expires", "client", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TrainedNetwork(Base):
    """A network a student trained, kept for a while so the stepper can step it
    (app/lab/kept.py). Only the SHA-256 of its random id is stored: the id itself is a
    capability that only the browser that trained it was told. `weights` is an .npz of the
    weights before and after training (bounded by app/lab/kept.py's MAX_BYTES)."""

    __tablename__ = "trained_networks"
    __table_args__ = (
        Index("ix_trained_networks_client_created", "client", "created_at"),
        Index("ix_trained_networks_created", "created_at"),  # evicting the oldest
    )

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(64))  # the address that trained it: its caps
    cell: Mapped[str] = mapped_column(String(8))
    hidden_size: Mapped[int] = mapped_column(Integer)
    settings: Mapped[Any] = mapped_column(JSON)  # how it was trained, for the page to say
    weights: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordReset(Base):
    """A one-time code an instructor gave a student, to set a new password without email.
    Only its SHA-256 is kept (the code is random and tries at it are limited like logins);
    one per user, replaced when another is issued and deleted once used."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attempt(Base):
    """One graded answer. `number` counts tries at one version of one question; the unique
    constraint makes two racing submissions unable to both take the same try."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint(
            "user_id",
            "lesson_slug",
            "question_id",
            "question_version",
            "number",
            name="uq_attempts_try",
        ),
        Index("ix_attempts_question", "lesson_slug", "question_id", "question_version"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint(CONFIDENCE_RANGE, name="confidence_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    question_version: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    answer: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    correct: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1-5, optional
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DilemmaResponse(Base):
    """A student's choice in a dilemma, their reason and confidence. Round 1 is the first
    response, round 2 the one revision allowed after seeing the class; the unique constraint
    keeps two racing posts from taking the same round. An instructor hides a reason from
    other students by setting `hidden_at`."""

    __tablename__ = "dilemma_responses"
    __table_args__ = (
        Index("ix_dilemma_responses_dilemma", "lesson_slug", "dilemma_id"),
        UniqueConstraint(
            "user_id", "lesson_slug", "dilemma_id", "round", name="uq_dilemma_responses_round"
        ),
        CheckConstraint("round >= 1", name="round_positive"),
        CheckConstraint(CONFIDENCE_RANGE, name="confidence_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(64))
    dilemma_id: Mapped[str] = mapped_column(String(64))
    choice: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    round: Mapped[int] = mapped_column(Integer, default=1)
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1-5, optional
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Heartbeat(Base):
    """One row per server process, written and read back by /readyz (app/db/health.py)."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    beat: Mapped[str] = mapped_column(String(64))
