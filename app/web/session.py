"""Login sessions over HTTP: the session and guest cookies, safe redirects."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "parade_session"
GUEST_COOKIE = "parade_guest"  # a guest's tries, counted on the server (app/accounts/guests.py)


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def _set_private_cookie(
    response: Response, request: Request, name: str, token: str, days: int
) -> None:
    """Set an HttpOnly, SameSite=Lax cookie (Secure over HTTPS) holding a bearer token."""
    response.set_cookie(
        name,
        token,
        max_age=days * 86_400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def set_session_cookie(response: Response, request: Request, token: str, days: int) -> None:
    _set_private_cookie(response, request, SESSION_COOKIE, token, days)


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
    _set_private_cookie(response, request, GUEST_COOKIE, token, days)
