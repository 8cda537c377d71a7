"""Logging in and registering: the limits, the credentials and a fresh session, in order."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.errors import InvalidLogin, LoginLimited
from app.accounts.limits import (
    LoginLimits,
    RegistrationLimits,
    count_login_attempt,
    count_registration,
    forget_login_attempt,
)
from app.accounts.passwords import device_mark, marked, marks_with
from app.accounts.sessions import start_session
from app.accounts.users import Account, check_credentials, create_user
from app.db.models import GUEST, User

# Who tried to log in as whom, from where, and how it ended (never the password): the trail
# an operator reads after a guessing attack (OWASP ASVS V7: log authentication decisions).
log = logging.getLogger("parade.auth")


@dataclass(frozen=True)
class LoggedIn:
    account: Account
    token: str  # the new session's cookie
    devices: str  # the known-device cookie, now naming this account too


def password_hash(session: Session, *, username: str) -> str | None:
    """Return the password hash of the account called `username`, or None."""
    found: str | None = session.scalar(
        select(User.password_hash).where(
            User.username == username.strip().lower(), User.role != GUEST
        )
    )
    return found


def known_device(session: Session, *, username: str, devices: str, secret: str) -> bool:
    """Return True when the known-device cookie `devices` says this browser logged into the
    account (with its current password) before."""
    if not devices:
        return False
    stored = password_hash(session, username=username)
    name = username.strip().lower()
    return stored is not None and marked(devices, device_mark(name, stored, secret))


def login(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    limits: LoginLimits,
    days: int,
    secret: str,
    devices: str = "",
    replacing: str | None = None,
) -> LoggedIn:
    """Return the account, a fresh session token and the browser's known-device cookie;
    raise LoginLimited or InvalidLogin."""
    known = known_device(session, username=username, devices=devices, secret=secret)
    try:
        attempt = count_login_attempt(
            session, username=username, client=client, limits=limits, known_device=known
        )
        account = check_credentials(session, username=username, password=password)
    except LoginLimited as refused:
        log.warning(
            "login refused for %r from %s: retry after %s s", username, client, refused.retry_after
        )
        raise
    except InvalidLogin:
        log.warning("login failed for %r from %s", username, client)
        raise
    log.info("login as %r from %s", account.username, client)
    forget_login_attempt(session, attempt_id=attempt)
    token = start_session(session, user_id=account.id, days=days, replacing=replacing)
    return _logged_in(session, account, token, devices, secret)


def register(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    limits: RegistrationLimits,
    days: int,
    secret: str,
    devices: str = "",
    replacing: str | None = None,
) -> LoggedIn:
    """Return the new student account, its first session token and the known-device
    cookie; raise RegistrationLimited, InvalidRegistration or UsernameTaken."""
    count_registration(session, client=client, limits=limits)
    user = create_user(session, username=username, password=password)
    token = start_session(session, user_id=user.id, days=days, replacing=replacing)
    return _logged_in(session, Account.of(user), token, devices, secret)


def _logged_in(
    session: Session, account: Account, token: str, devices: str, secret: str
) -> LoggedIn:
    stored = password_hash(session, username=account.username) or ""
    mark = device_mark(account.username, stored, secret)
    return LoggedIn(account=account, token=token, devices=marks_with(devices, mark))
