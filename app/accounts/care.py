"""Account care: changing a password, logging out everywhere, and the one-time reset codes
an instructor gives a student who forgot theirs (no email server needed).

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.errors import (
    InvalidLogin,
    InvalidPasswordChange,
    InvalidResetCode,
    ResetLimited,
    UnknownStudent,
)
from app.accounts.limits import LoginLimits, count_login_attempt, forget_login_attempt
from app.accounts.passwords import (
    WeakPassword,
    check_password,
    hash_password,
    token_digest,
)
from app.accounts.users import Account, check_credentials
from app.db.models import AuthSession, PasswordReset, User, utcnow

log = logging.getLogger("parade")

# 12 characters from 32 that cannot be misread (no 0/O, 1/I): 60 bits, read out in 3 groups.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
RESET_KEY = "reset:"  # tries at reset codes are counted apart from logins, like them


def change_password(
    session: Session,
    *,
    account: Account,
    current: str,
    new: str,
    keep_token: str | None,
    client: str,
    limits: LoginLimits,
) -> None:
    """Set a new password once the current one is proven, and end every other session of
    the account (the one of `keep_token` stays); raise InvalidPasswordChange or
    LoginLimited. Wrong current passwords count as failed logins, with no known-device
    pass: a borrowed session must not become a faster way to guess."""
    try:
        check_password(new, account.username)
    except WeakPassword as exc:
        raise InvalidPasswordChange(str(exc)) from None
    attempt = count_login_attempt(session, username=account.username, client=client, limits=limits)
    try:
        check_credentials(session, username=account.username, password=current)
    except InvalidLogin:
        raise InvalidPasswordChange("Your current password is not right.") from None
    new_hash = hash_password(new)  # slow on purpose: outside any write transaction
    forget_login_attempt(session, attempt_id=attempt)
    _set_password(session, user_id=account.id, password_hash=new_hash, keep_token=keep_token)
    log.info("password changed by %s", account.username)


def end_all_sessions(session: Session, *, user_id: int) -> None:
    """End every session of the user, on every device (their cookies stop working)."""
    session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    session.commit()


def issue_reset_code(session: Session, *, username: str, hours: int) -> tuple[str, datetime]:
    """Return a new one-time reset code for the student and when it expires (it replaces
    any earlier code); raise UnknownStudent. The code is kept only as a hash: show it once."""
    name = username.strip().lower()
    user_id = session.scalar(select(User.id).where(User.username == name, User.role == "student"))
    if user_id is None:
        raise UnknownStudent(name)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    expires = now + timedelta(hours=hours)
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user_id))
    session.add(
        PasswordReset(
            user_id=user_id,
            code_hash=_code_digest(user_id, code),
            created_at=now,
            expires_at=expires,
        )
    )
    session.commit()
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4)), expires


def reset_password(
    session: Session,
    *,
    username: str,
    code: str,
    new: str,
    client: str,
    limits: LoginLimits,
) -> None:
    """Set a new password with a one-time code, use the code up and end every session of
    the account; raise InvalidResetCode, InvalidPasswordChange or ResetLimited."""
    name = username.strip().lower()
    try:
        check_password(new, name)
    except WeakPassword as exc:
        raise InvalidPasswordChange(str(exc)) from None
    attempt = count_login_attempt(
        session, username=RESET_KEY + name, client=client, limits=limits, limited=ResetLimited
    )
    row = session.scalar(
        select(PasswordReset)
        .join(User, User.id == PasswordReset.user_id)
        .where(User.username == name, PasswordReset.expires_at > utcnow())
    )
    session.rollback()  # end the read before the slow hash
    if row is None or not secrets.compare_digest(row.code_hash, _code_digest(row.user_id, code)):
        raise InvalidResetCode
    new_hash = hash_password(new)
    # Use the code up; if a racing request used it first, this one is refused.
    used = session.execute(
        delete(PasswordReset).where(
            PasswordReset.id == row.id, PasswordReset.code_hash == row.code_hash
        )
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise InvalidResetCode
    forget_login_attempt(session, attempt_id=attempt)
    _set_password(session, user_id=row.user_id, password_hash=new_hash, keep_token=None)
    log.info("password reset with a code for %s", name)


def _code_digest(user_id: int, code: str) -> str:
    """Return the stored form of a code: tied to its user, blind to case, dashes, spaces."""
    typed = "".join(c for c in code.upper() if c.isalnum())[:64]
    return token_digest(f"{user_id}:{typed}")


def _set_password(
    session: Session, *, user_id: int, password_hash: str, keep_token: str | None
) -> None:
    """Store the new password's hash and end the user's sessions but `keep_token`'s."""
    user = session.get(User, user_id)
    if user is None:  # deleted meanwhile: nothing left to change
        session.rollback()
        return
    user.password_hash = password_hash
    ended = AuthSession.user_id == user_id
    if keep_token:
        ended = ended & (AuthSession.token_hash != token_digest(keep_token))
    session.execute(delete(AuthSession).where(ended))
    session.commit()
