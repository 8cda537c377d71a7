"""The login and registration limits, counted in the database (see app/db/ratelimit.py).

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.errors import GuestLimited, LoginLimited, RegistrationLimited
from app.db.models import LoginFailure, RegistrationAttempt, utcnow
from app.db.ratelimit import retry_after, serialize_on

PURGE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class LoginLimits:
    per_account: int
    per_client: int
    window: timedelta


@dataclass(frozen=True)
class RegistrationLimits:
    per_client: int
    window: timedelta


@dataclass(frozen=True)
class GuestLimits:
    per_client: int
    window: timedelta


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
    _count_start(
        session,
        key=client[:64],
        per_client=limits.per_client,
        window=limits.window,
        limited=RegistrationLimited,
    )


def count_guest_start(session: Session, *, client: str, limits: GuestLimits) -> None:
    """Record a new guest started from `client`, or raise GuestLimited (each new guest gets
    fresh tries, so starting guests without end would buy tries without end)."""
    _count_start(
        session,
        key=f"guest:{client[:58]}",
        per_client=limits.per_client,
        window=limits.window,
        limited=GuestLimited,
    )


def _count_start(
    session: Session,
    *,
    key: str,
    per_client: int,
    window: timedelta,
    limited: type[RegistrationLimited] | type[GuestLimited],
) -> None:
    """Count one start for `key` in the registration_attempts table, or raise `limited`."""
    serialize_on(session, f"register-client:{key}")
    now = utcnow()
    since = now - window
    count, oldest = session.execute(
        select(func.count(), func.min(RegistrationAttempt.created_at)).where(
            RegistrationAttempt.client == key, RegistrationAttempt.created_at > since
        )
    ).one()
    if count >= per_client:
        session.rollback()
        raise limited(retry_after(oldest, window, now))
    # Forget this key's old starts, and everyone's once no window can count them.
    stale = RegistrationAttempt.created_at <= now - max(window, PURGE_AFTER)
    session.execute(
        delete(RegistrationAttempt).where(
            RegistrationAttempt.created_at <= since,
            or_(RegistrationAttempt.client == key, stale),
        )
    )
    session.add(RegistrationAttempt(client=key, created_at=now))
    session.commit()
