"""Login sessions over HTTP: the session cookie, the client's address, safe redirects."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "parade_session"
GUEST_COOKIE = "parade_guest"  # a guest's tries, counted on the server (app/accounts/guests.py)


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def set_session_cookie(response: Response, request: Request, token: str, days: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=days * 86_400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` when it is a path on this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def guest_token(request: Request) -> str | None:
    return request.cookies.get(GUEST_COOKIE) or None


def set_guest_cookie(response: Response, request: Request, token: str, days: int) -> None:
    response.set_cookie(
        GUEST_COOKIE,
        token,
        max_age=days * 86_400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
