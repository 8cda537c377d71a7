"""The login and registration limits, counted in the database (see app/db/ratelimit.py).

Every function takes the session first and the rest by keyword, and commits its own work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.errors import GuestLimited, LoginLimited, RegistrationLimited
from app.db.models import LoginFailure, RegistrationAttempt, utcnow
from app.db.ratelimit import RateLimited, retry_after, serialize_on

PURGE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class LoginLimits:
    """Failures for one account slow further tries rather than refuse them: after
    `per_account` failures in the window, each try from a browser that has not logged into
    the account waits `first_delay` after the latest failure, doubling with every further
    failure, up to the window. An account's failures count for `memory` (a day), longer
    than the window, so that a patient guesser settles at one try per window rather than a
    fresh five. `per_client` failures from one address in the window refuse it until they
    age out (set for a classroom behind one NAT address)."""

    per_account: int
    per_client: int
    window: timedelta
    first_delay: timedelta = timedelta(seconds=15)
    memory: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class RegistrationLimits:
    per_client: int
    window: timedelta


@dataclass(frozen=True)
class GuestLimits:
    per_client: int
    window: timedelta


def account_delay(failures: int, limits: LoginLimits) -> timedelta:
    """Return how long after an account's latest failure its next try must wait: nothing
    below `per_account` failures, then `first_delay` doubling per further failure, capped at
    the window: the owner on a new browser is slowed, never locked out for long."""
    if failures < limits.per_account:
        return timedelta(0)
    doublings = min(failures - limits.per_account, 30)
    delay: timedelta = limits.first_delay * (1 << doublings)
    return min(delay, limits.window)


def count_login_attempt(
    session: Session,
    *,
    username: str,
    client: str,
    limits: LoginLimits,
    known_device: bool = False,
    limited: type[RateLimited] = LoginLimited,
) -> int:
    """Record a login attempt before its password is checked and return its row id (for
    `forget_login_attempt` once it succeeds), or raise `limited` with the seconds to wait.

    Counting first means many parallel guesses are counted too; the count lives in the
    database, so the limit holds across all workers, and it is serialized per account and
    per client (see app/db/ratelimit.py), so simultaneous guesses cannot get past it. A
    `known_device` (a browser that logged into this account before) is not slowed by the
    account's failures, so guesses from elsewhere cannot lock the owner out."""
    name = username.strip().lower()[:128]
    client = client[:64]
    serialize_on(session, f"login-account:{name}", f"login-client:{client}")
    now = utcnow()
    since = now - limits.window
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.created_at)).where(
            LoginFailure.client == client, LoginFailure.created_at > since
        )
    ).one()
    if count >= limits.per_client:
        session.rollback()
        raise limited(retry_after(oldest, limits.window, now))
    if not known_device:
        remembered = now - max(limits.memory, limits.window)
        failures, latest = session.execute(
            select(func.count(), func.max(LoginFailure.created_at)).where(
                LoginFailure.username == name, LoginFailure.created_at > remembered
            )
        ).one()
        wait = account_delay(failures, limits)
        # No wait below the threshold; `now` may be read before the write lock is taken, so
        # a racing attempt's time can be a little later than it.
        if wait and latest is not None and latest + wait > now:
            session.rollback()
            raise limited(max(1, math.ceil((latest + wait - now).total_seconds())))
    forgotten = now - max(limits.memory, limits.window)
    session.execute(delete(LoginFailure).where(LoginFailure.created_at <= forgotten))
    attempt = LoginFailure(username=name, client=client, created_at=now)
    session.add(attempt)
    session.commit()
    return attempt.id


def forget_login_attempt(session: Session, *, attempt_id: int) -> None:
    """Forget one attempt that succeeded, so only failures are counted. Only its own row:
    failures counted from other clients (or earlier from this one) stand."""
    session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))


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
