"""The dilemmas' domain errors; `app/web/errors.py` turns them into responses."""

from __future__ import annotations

from app.errors import DomainError


class InvalidResponse(DomainError):
    """A response that can't be kept (no choice, an unknown one, a reason too long);
    str() says what to do in plain words."""

    status = 422


class AlreadyRevised(DomainError):
    """A response past the one revision allowed (or racing another post for the same
    round); nothing is stored."""

    status = 409


class ResponseNotFound(DomainError):
    """No stored response with this id (moderation)."""

    status = 404
