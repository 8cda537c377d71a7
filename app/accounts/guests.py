"""Guests: someone answering without an account. Their tries are counted on the server like
a student's (so no answer leaves early), under a random cookie and a user row with the
'guest' role that nobody can log in as; their score is not kept for an instructor.

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.limits import GuestLimits, count_guest_start
from app.accounts.passwords import token_digest
from app.accounts.sessions import start_session
from app.db.models import GUEST, AuthSession, User, utcnow

NO_PASSWORD = "!"  # not a hash of anything: no password logs in as a guest
STARTS = 3  # tries at a fresh random name before giving up (a clash is ~2^-64)


def start_guest(
    session: Session, *, client: str, limits: GuestLimits, days: int
) -> tuple[int, str]:
    """Return a new guest's user id and token; raise GuestLimited when `client` started too
    many guests in the window. Guests idle for longer than `days` are forgotten here."""
    count_guest_start(session, client=client, limits=limits)
    forget_idle_guests(session, days=days)
    for _ in range(STARTS):
        user = User(username=f"guest-{secrets.token_hex(8)}", password_hash=NO_PASSWORD)
        user.role = GUEST
        session.add(user)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            continue
        token = start_session(session, user_id=user.id, days=days)  # commits
        return user.id, token
    raise RuntimeError("could not name a new guest")


def guest_for_token(session: Session, *, token: str) -> int | None:
    """Return the guest's user id for `token`, or None when unknown, expired or not a guest."""
    found: int | None = session.scalar(
        select(User.id)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            AuthSession.token_hash == token_digest(token),
            AuthSession.expires_at > utcnow(),
            User.role == GUEST,
        )
    )
    return found


def forget_idle_guests(session: Session, *, days: int) -> None:
    """Delete guests created more than `days` ago (their tries go with them)."""
    cutoff = utcnow() - timedelta(days=days)
    session.execute(delete(User).where(User.role == GUEST, User.created_at < cutoff))
