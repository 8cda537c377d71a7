"""HTML forms for accounts: register, log in, log out, and account care (change password,
log out everywhere, reset codes); they work without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import auth, care
from app.accounts.errors import InvalidRegistration
from app.accounts.sessions import end_session
from app.errors import DomainError
from app.plaintext import PlainText
from app.web.deps import (
    ClientDep,
    CurrentUser,
    Instructor,
    LoginLimitsDep,
    RegistrationLimitsDep,
    SessionDep,
    SettingsDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.errors import headers_of
from app.web.pages import AccountPage, AuthPage, IssuedCode, ResetPage
from app.web.session import (
    clear_session_cookie,
    device_cookie,
    safe_next,
    session_token,
    set_device_cookie,
    set_session_cookie,
)

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


def _logged_in(request: Request, done: auth.LoggedIn, days: int, target: str) -> Response:
    response = RedirectResponse(safe_next(target), status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, request, done.token, days)
    set_device_cookie(response, request, done.devices)
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
        done = auth.register(
            session,
            username=username,
            password=password,
            client=client,
            limits=limits,
            days=settings.session_days,
            secret=settings.secret_key,
            devices=device_cookie(request),
            replacing=session_token(request),
        )
    except DomainError as exc:
        return _refused(request, templates, page, exc)
    return _logged_in(request, done, settings.session_days, next)


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
        done = auth.login(
            session,
            username=username,
            password=password,
            client=client,
            limits=limits,
            days=settings.session_days,
            secret=settings.secret_key,
            devices=device_cookie(request),
            replacing=session_token(request),
        )
    except DomainError as exc:
        return _refused(request, templates, page, exc)
    return _logged_in(request, done, settings.session_days, next)


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


# --- account care ------------------------------------------------------------------------------

Code = Annotated[PlainText, Form(max_length=64)]


def _account(
    request: Request, templates: TemplatesDep, page: AccountPage, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "account/index.html", {"page": page}, status_code=status_code
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, _: CurrentUser, templates: TemplatesDep) -> HTMLResponse:
    return _account(request, templates, AccountPage())


@router.post("/account/password")
def change_password(
    request: Request,
    user: CurrentUser,
    templates: TemplatesDep,
    session: SessionDep,
    client: ClientDep,
    limits: LoginLimitsDep,
    current_password: Password,
    new_password: Password,
) -> Response:
    try:
        care.change_password(
            session,
            account=user,
            current=current_password,
            new=new_password,
            keep_token=session_token(request),
            client=client,
            limits=limits,
        )
    except DomainError as exc:
        response = _account(request, templates, AccountPage(error=str(exc)), exc.status)
        response.headers.update(headers_of(exc))
        return response
    notice = "Your password is changed. Every other device you were logged in on is logged out."
    return _account(request, templates, AccountPage(notice=notice))


@router.post("/account/logout-everywhere")
def logout_everywhere(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    care.end_all_sessions(session, user_id=user.id)
    response = RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER)
    clear_session_cookie(response, request)
    return response


@router.post("/account/reset-code")
def issue_reset_code(
    request: Request,
    _: Instructor,
    templates: TemplatesDep,
    session: SessionDep,
    settings: SettingsDep,
    username: Username,
) -> Response:
    try:
        code, expires = care.issue_reset_code(
            session, username=username, hours=settings.reset_code_hours
        )
    except DomainError as exc:
        return _account(request, templates, AccountPage(code_error=str(exc)), exc.status)
    shown = expires.strftime("%Y-%m-%d %H:%M UTC")
    issued = IssuedCode(username=username.strip().lower(), code=code, expires=shown)
    return _account(request, templates, AccountPage(issued=issued))


@router.get("/reset", response_class=HTMLResponse)
def reset_form(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return templates.TemplateResponse(request, "account/reset.html", {"page": ResetPage()})


@router.post("/reset")
def reset_password(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    client: ClientDep,
    limits: LoginLimitsDep,
    username: Username,
    code: Code,
    new_password: Password,
) -> Response:
    try:
        care.reset_password(
            session,
            username=username,
            code=code,
            new=new_password,
            client=client,
            limits=limits,
        )
    except DomainError as exc:
        page = ResetPage(username=username, error=str(exc))
        response = templates.TemplateResponse(
            request, "account/reset.html", {"page": page}, status_code=exc.status
        )
        response.headers.update(headers_of(exc))
        return response
    page = ResetPage(username=username.strip().lower(), done=True)
    return templates.TemplateResponse(request, "account/reset.html", {"page": page})
