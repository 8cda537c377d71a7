"""Login sessions: a fresh random token per login, stored only as its SHA-256.

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.passwords import new_session_token, token_digest
from app.accounts.users import Account
from app.db.models import GUEST, AuthSession, User, utcnow


def start_session(
    session: Session, *, user_id: int, days: int, replacing: str | None = None
) -> str:
    """Return a new session token for the user, ending the session `replacing` (if any) and
    the user's expired ones: a login always gets a fresh token."""
    token = new_session_token()
    now = utcnow()
    ended = (AuthSession.user_id == user_id) & (AuthSession.expires_at <= now)
    if replacing:
        ended = ended | (AuthSession.token_hash == token_digest(replacing))
    session.execute(delete(AuthSession).where(ended))
    session.add(
        AuthSession(
            token_hash=token_digest(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.commit()
    return token


def end_session(session: Session, *, token: str) -> None:
    """Forget the session of `token`: its cookie stops working, even if copied elsewhere."""
    session.execute(delete(AuthSession).where(AuthSession.token_hash == token_digest(token)))
    session.commit()


def account_for_token(session: Session, *, token: str) -> Account | None:
    """Return the account logged in with `token`, or None when it is unknown or expired."""
    user = session.scalar(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            AuthSession.token_hash == token_digest(token),
            AuthSession.expires_at > utcnow(),
            User.role != GUEST,
        )
    )
    return None if user is None else Account.of(user)
