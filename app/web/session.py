"""Login sessions over HTTP: the session and guest cookies, safe redirects."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "parade_session"
GUEST_COOKIE = "parade_guest"  # a guest's tries, counted on the server (app/accounts/guests.py)
# request.state: the session cookie this response sets ("" when it ends the session), so the
# CSRF middleware re-binds the token to it (app/web/csrf.py).
SESSION_CHANGED = "parade_session_changed"


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
    setattr(request.state, SESSION_CHANGED, token)


def clear_session_cookie(response: Response, request: Request) -> None:
    setattr(request.state, SESSION_CHANGED, "")
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


DEVICE_COOKIE = "parade_device"  # signed marks of the accounts this browser logged into
DEVICE_DAYS = 365
MAX_DEVICE_COOKIE = 1024


def device_cookie(request: Request) -> str:
    """Return the known-device cookie (app/accounts/auth.py), or "" when absent or too long."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if len(value) <= MAX_DEVICE_COOKIE else ""


def set_device_cookie(response: Response, request: Request, value: str) -> None:
    _set_private_cookie(response, request, DEVICE_COOKIE, value, DEVICE_DAYS)
