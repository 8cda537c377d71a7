"""Logging in and registering: the limits, the credentials and a fresh session, in order."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.accounts.limits import (
    LoginLimits,
    RegistrationLimits,
    count_login_attempt,
    count_registration,
)
from app.accounts.sessions import start_session
from app.accounts.users import Account, check_credentials, create_user
from app.db.models import LoginFailure


def login(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    limits: LoginLimits,
    days: int,
    replacing: str | None = None,
) -> tuple[Account, str]:
    """Return the account and a fresh session token; raise LoginLimited or InvalidLogin."""
    count_login_attempt(session, username=username, client=client, limits=limits)
    account = check_credentials(session, username=username, password=password)
    session.execute(delete(LoginFailure).where(LoginFailure.username == account.username))
    token = start_session(session, user_id=account.id, days=days, replacing=replacing)
    return account, token


def register(
    session: Session,
    *,
    username: str,
    password: str,
    client: str,
    limits: RegistrationLimits,
    days: int,
    replacing: str | None = None,
) -> tuple[Account, str]:
    """Return the new student account and its first session token; raise
    RegistrationLimited, InvalidRegistration or UsernameTaken."""
    count_registration(session, client=client, limits=limits)
    user = create_user(session, username=username, password=password)
    token = start_session(session, user_id=user.id, days=days, replacing=replacing)
    return Account.of(user), token
