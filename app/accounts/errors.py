"""The accounts' domain errors; `app/web/errors.py` turns them into responses."""

from __future__ import annotations

from app.db.ratelimit import RateLimited
from app.errors import DomainError


class UsernameTaken(DomainError):
    status = 409

    def __init__(self) -> None:
        super().__init__("That username is taken; choose another.")


class InvalidLogin(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Wrong username or password.")


class InvalidRegistration(DomainError):
    """The username or the password (or both) may not be used; `problems` maps each field to
    a sentence saying why, and str() joins them."""

    status = 422

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


class LoginLimited(RateLimited):
    """Too many failed logins for the account or from the client."""

    message = "Too many failed logins. Wait a few minutes and try again."


class RegistrationLimited(RateLimited):
    """Too many accounts created from the client."""

    message = "Too many accounts were created from your network. Wait a while and try again."


class GuestLimited(RateLimited):
    """Too many guests started from the client."""

    message = (
        "Too many guests answered from your network. Log in or register to go on, or wait a "
        "while and try again."
    )


class InvalidPasswordChange(DomainError):
    """The current password is wrong, or the new one may not be used."""

    status = 422


class InvalidResetCode(DomainError):
    """The username and code do not match a live code; which one is wrong is not said."""

    status = 422

    def __init__(self) -> None:
        super().__init__(
            "That username and code do not match a code that is still valid (codes work "
            "once, for a limited time). Check them, or ask your instructor for a new code."
        )


class UnknownStudent(DomainError):
    status = 404

    def __init__(self, username: str) -> None:
        super().__init__(f"There is no student called {username!r}.")


class ResetLimited(RateLimited):
    """Too many tries at a reset code for the account or from the client."""

    message = "Too many tries at a reset code. Wait a few minutes and try again."
