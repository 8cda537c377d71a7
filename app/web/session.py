"""Login sessions over HTTP: the session cookie, who is asking, and what templates know of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.accounts.users import Account, LoginLimits, RegistrationLimits, account_for_token
from app.config import Settings
from app.db.database import Database
from app.web.csrf import csrf_token

SESSION_COOKIE = "parade_session"
_UNSET = object()


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def account_from_request(request: Request) -> Account | None:
    """Return the logged-in account of this request, or None (looked up once per request)."""
    cached = request.scope.get("parade_account", _UNSET)
    if cached is not _UNSET:
        return cached if isinstance(cached, Account) else None
    account = None
    token = session_token(request)
    db: Database | None = getattr(request.app.state, "db", None)
    if token and db is not None and len(token) <= 128:
        with db.session(write=False) as session:
            account = account_for_token(session, token=token)
    request.scope["parade_account"] = account
    return account


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
        SESSION_COOKIE, path="/", httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def client_address(request: Request) -> str:
    """Return the client's address (uvicorn's --proxy-headers makes it the real one)."""
    return request.client.host if request.client else "unknown"


def login_limits(settings: Settings) -> LoginLimits:
    return LoginLimits(
        per_account=settings.login_limit_per_account,
        per_client=settings.login_limit_per_client,
        window=timedelta(seconds=settings.login_window_seconds),
    )


def registration_limits(settings: Settings) -> RegistrationLimits:
    return RegistrationLimits(
        per_client=settings.register_limit_per_client,
        window=timedelta(seconds=settings.register_window_seconds),
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` when it is a path on this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def template_context(request: Request) -> dict[str, Any]:
    """Return what every page's template may use: the CSRF token and the viewer."""
    return {"csrf_token": csrf_token(request), "viewer": account_from_request(request)}
