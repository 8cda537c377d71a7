"""HTML forms for accounts: register, log in, log out (they work without JavaScript)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import users as accounts
from app.routes.accounts_api import RegistrationRefused, log_in, register_account
from app.web.deps import SessionDep, SettingsDep, TemplatesDep
from app.web.pages import AuthPage
from app.web.session import clear_session_cookie, safe_next, session_token, set_session_cookie

router = APIRouter(include_in_schema=False)

Username = Annotated[str, Form(max_length=64)]
Password = Annotated[str, Form(max_length=1024)]
Next = Annotated[str, Form()]


def _form(
    request: Request, templates: TemplatesDep, page: AuthPage, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"auth/{page.mode}.html", {"page": page}, status_code=status_code
    )


def _logged_in(request: Request, token: str, days: int, target: str) -> Response:
    response = RedirectResponse(safe_next(target), status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, request, token, days)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request, templates: TemplatesDep, next: str = "/") -> HTMLResponse:
    return _form(request, templates, AuthPage(mode="register", next=safe_next(next)))


@router.post("/register")
def register(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    settings: SettingsDep,
    username: Username,
    password: Password,
    next: Next = "/",
) -> Response:
    try:
        account = register_account(request, session, settings, username, password)
    except HTTPException as exc:
        problems = tuple(exc.problems.values()) if isinstance(exc, RegistrationRefused) else ()
        page = AuthPage(mode="register", next=safe_next(next), username=username,
                        error=str(exc.detail), problems=problems)  # fmt: skip
        response = _form(request, templates, page, exc.status_code)
        response.headers.update(exc.headers or {})
        return response
    token = accounts.start_session(
        session, user_id=account.id, days=settings.session_days, replacing=session_token(request)
    )
    return _logged_in(request, token, settings.session_days, next)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, templates: TemplatesDep, next: str = "/") -> HTMLResponse:
    return _form(request, templates, AuthPage(mode="login", next=safe_next(next)))


@router.post("/login")
def login(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    settings: SettingsDep,
    username: Username,
    password: Password,
    next: Next = "/",
) -> Response:
    try:
        _, token = log_in(request, session, settings, username, password)
    except HTTPException as exc:
        page = AuthPage(mode="login", next=safe_next(next), username=username,
                        error=str(exc.detail))  # fmt: skip
        response = _form(request, templates, page, exc.status_code)
        response.headers.update(exc.headers or {})
        return response
    return _logged_in(request, token, settings.session_days, next)


@router.get("/logout", response_class=HTMLResponse)
def logout_form(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _form(request, templates, AuthPage(mode="logout"))


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = session_token(request)
    if token:
        accounts.end_session(session, token=token)
    response = RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    clear_session_cookie(response, request)
    return response
