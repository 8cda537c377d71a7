"""The quiz's domain errors; `app/web/errors.py` turns them into responses."""

from __future__ import annotations

from app.errors import DomainError


class MalformedAnswer(DomainError):
    """The answer does not fit the question (no try is used); str() says what is expected."""

    status = 422


class OutOfAttempts(DomainError):
    """The question is finished for this student: answered right, or no tries left."""

    status = 409

    def __init__(self) -> None:
        super().__init__("This question is finished: you answered it right or used every try.")
