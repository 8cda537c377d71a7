"""Account queries: users, login sessions, the login and registration limits. No HTTP here.

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.passwords import (
    WeakPassword,
    burn_verify_time,
    check_password,
    check_username,
    hash_password,
    new_session_token,
    token_digest,
    verify_password,
)
from app.db.models import AuthSession, LoginFailure, RegistrationAttempt, Role, User, utcnow
from app.db.ratelimit import RateLimited, retry_after, serialize_on


@dataclass(frozen=True)
class Account:
    """Who is logged in: what routes and templates need, detached from any DB session."""

    id: int
    username: str
    role: Role

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"

    @classmethod
    def of(cls, user: User) -> Account:
        role: Role = "instructor" if user.role == "instructor" else "student"
        return cls(id=user.id, username=user.username, role=role)


class UsernameTaken(ValueError):
    pass


class InvalidLogin(Exception):
    pass


class LoginLimited(RateLimited):
    """Too many failed logins for the account or from the client."""


class RegistrationLimited(RateLimited):
    """Too many accounts created from the client."""


@dataclass(frozen=True)
class LoginLimits:
    per_account: int
    per_client: int
    window: timedelta


@dataclass(frozen=True)
class RegistrationLimits:
    per_client: int
    window: timedelta


class InvalidRegistration(ValueError):
    """The username or the password (or both) may not be used; `problems` maps each field to
    a sentence saying why, and str() joins them."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def check_registration(username: str, password: str) -> str:
    """Return the username normalized; raise InvalidRegistration naming every problem at
    once, so that nobody fixes the username only to be told the password is wrong too."""
    problems: dict[str, str] = {}
    name = username.strip().lower()
    try:
        name = check_username(username)
    except ValueError as exc:
        problems["username"] = str(exc)
    try:
        check_password(password, name)
    except WeakPassword as exc:
        problems["password"] = str(exc)
    if problems:
        raise InvalidRegistration(problems)
    return name


def create_user(session: Session, *, username: str, password: str, role: Role = "student") -> User:
    """Return the new user; raise InvalidRegistration (a ValueError) or UsernameTaken."""
    name = check_registration(username, password)
    password_hash = hash_password(password)  # slow on purpose: before the write lock
    user = User(username=name, password_hash=password_hash, role=role)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise UsernameTaken("That username is taken; choose another.") from None
    return user


def set_password(session: Session, *, username: str, password: str) -> None:
    """Replace a user's password and end all their sessions; raise LookupError if unknown."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise LookupError(username)
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    session.commit()


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
        .where(AuthSession.token_hash == token_digest(token), AuthSession.expires_at > utcnow())
    )
    return None if user is None else Account.of(user)


def count_login_attempt(
    session: Session, *, username: str, client: str, limits: LoginLimits
) -> None:
    """Record a login attempt before its password is checked, or raise LoginLimited.

    Counting first (and forgetting the attempt once it succeeds, in `login`) means many
    parallel guesses are counted too, and the count lives in the database, so the limit holds
    across all workers. The counting is serialized per account and per client (see
    app/db/ratelimit.py), so even simultaneous guesses cannot get past the limit."""
    name = username.strip().lower()[:128]
    client = client[:64]
    serialize_on(session, f"login-account:{name}", f"login-client:{client}")
    now = utcnow()
    since = now - limits.window
    for column, value, limit in (
        (LoginFailure.username, name, limits.per_account),
        (LoginFailure.client, client, limits.per_client),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                column == value, LoginFailure.created_at > since
            )
        ).one()
        if count >= limit:
            session.rollback()
            raise LoginLimited(retry_after(oldest, limits.window, now))
    session.execute(delete(LoginFailure).where(LoginFailure.created_at <= since))
    session.add(LoginFailure(username=name, client=client, created_at=now))
    session.commit()


def count_registration(session: Session, *, client: str, limits: RegistrationLimits) -> None:
    """Record an attempt to create an account from `client`, or raise RegistrationLimited.

    Every attempt counts, refused ones too: each costs a password hash, and probing for
    taken usernames is what the limit is there to slow down."""
    client = client[:64]
    serialize_on(session, f"register-client:{client}")
    now = utcnow()
    since = now - limits.window
    count, oldest = session.execute(
        select(func.count(), func.min(RegistrationAttempt.created_at)).where(
            RegistrationAttempt.client == client, RegistrationAttempt.created_at > since
        )
    ).one()
    if count >= limits.per_client:
        session.rollback()
        raise RegistrationLimited(retry_after(oldest, limits.window, now))
    session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.created_at <= since))
    session.add(RegistrationAttempt(client=client, created_at=now))
    session.commit()


def check_credentials(session: Session, *, username: str, password: str) -> Account:
    """Return the account when the password is right; raise InvalidLogin otherwise."""
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    session.rollback()  # end the read before the slow hash check
    if user is None or len(password) > 1024:
        burn_verify_time(password[:1024])
        raise InvalidLogin
    if not verify_password(password, user.password_hash):
        raise InvalidLogin
    return Account.of(user)


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
