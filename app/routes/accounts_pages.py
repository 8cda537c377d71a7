"""HTML forms for accounts: register, log in, log out (they work without JavaScript)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import auth
from app.accounts.errors import InvalidRegistration
from app.accounts.sessions import end_session
from app.errors import DomainError
from app.plaintext import PlainText
from app.web.deps import (
    ClientDep,
    LoginLimitsDep,
    RegistrationLimitsDep,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.errors import headers_of
from app.web.pages import AuthPage
from app.web.session import clear_session_cookie, safe_next, session_token, set_session_cookie

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])

Username = Annotated[PlainText, Form(max_length=64)]
Password = Annotated[PlainText, Form(max_length=1024)]
Next = Annotated[str, Form()]


def _form(
    request: Request, templates: TemplatesDep, page: AuthPage, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, f"auth/{page.mode}.html", {"page": page}, status_code=status_code
    )


def _refused(
    request: Request, templates: TemplatesDep, page: AuthPage, exc: DomainError
) -> Response:
    """Return the form again, saying why (every problem at once when registering)."""
    problems = tuple(exc.problems.values()) if isinstance(exc, InvalidRegistration) else ()
    page = AuthPage(page.mode, page.next, page.username, error=str(exc), problems=problems)
    response = _form(request, templates, page, exc.status)
    response.headers.update(headers_of(exc))
    return response


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
    client: ClientDep,
    limits: RegistrationLimitsDep,
    username: Username,
    password: Password,
    next: Next = "/",
) -> Response:
    page = AuthPage(mode="register", next=safe_next(next), username=username)
    try:
        _, token = auth.register(
            session,
            username=username,
            password=password,
            client=client,
            limits=limits,
            days=settings.session_days,
            replacing=session_token(request),
        )
    except DomainError as exc:
        return _refused(request, templates, page, exc)
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
    client: ClientDep,
    limits: LoginLimitsDep,
    username: Username,
    password: Password,
    next: Next = "/",
) -> Response:
    page = AuthPage(mode="login", next=safe_next(next), username=username)
    try:
        _, token = auth.login(
            session,
            username=username,
            password=password,
            client=client,
            limits=limits,
            days=settings.session_days,
            replacing=session_token(request),
        )
    except DomainError as exc:
        return _refused(request, templates, page, exc)
    return _logged_in(request, token, settings.session_days, next)


@router.get("/logout", response_class=HTMLResponse)
def logout_form(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return _form(request, templates, AuthPage(mode="logout"))


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = session_token(request)
    if token:
        end_session(session, token=token)
    response = RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    clear_session_cookie(response, request)
    return response
