"""Accounts: who they are, creating them, checking their credentials, changing passwords.

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.errors import InvalidLogin, InvalidRegistration, UsernameTaken
from app.accounts.passwords import (
    WeakPassword,
    burn_verify_time,
    check_password,
    check_username,
    hash_password,
    verify_password,
)
from app.db.models import GUEST, AuthSession, Role, User


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
    """Return the new user; raise InvalidRegistration or UsernameTaken."""
    name = check_registration(username, password)
    password_hash = hash_password(password)  # slow on purpose: before the write lock
    user = User(username=name, password_hash=password_hash, role=role)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise UsernameTaken from None
    return user


def set_password(session: Session, *, username: str, password: str) -> None:
    """Replace a user's password and end all their sessions; raise LookupError if unknown,
    WeakPassword if the password may not be used."""
    user = session.scalar(
        select(User).where(User.username == username.strip().lower(), User.role != GUEST)
    )
    if user is None:
        raise LookupError(username)
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    session.commit()


def set_role(session: Session, *, username: str, role: Role) -> None:
    """Give a user the role; raise LookupError if there is no such user. Their sessions
    stay: the role is read afresh on every request."""
    user = session.scalar(
        select(User).where(User.username == username.strip().lower(), User.role != GUEST)
    )
    if user is None:
        raise LookupError(username)
    user.role = role
    session.commit()


def check_credentials(session: Session, *, username: str, password: str) -> Account:
    """Return the account when the password is right; raise InvalidLogin otherwise."""
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name, User.role != GUEST))
    session.rollback()  # end the read before the slow hash check
    if user is None or len(password) > 1024:
        burn_verify_time(password[:1024])
        raise InvalidLogin
    if not verify_password(password, user.password_hash):
        raise InvalidLogin
    return Account.of(user)
