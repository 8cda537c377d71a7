"""The base of every domain error. Each domain raises its own subclasses with a sentence a
student understands; `app/web/errors.py` maps them to responses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. str() is shown to the person; `status` is the HTTP
    status it maps to; `retry_after` (seconds) is set by limits."""

    status: int = 422
    retry_after: int | None = None


class InvalidText(DomainError):
    """Text no one could have typed (control characters, unpaired surrogates)."""

    status = 422
