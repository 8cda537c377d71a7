"""JSON API for accounts: CSRF token, register, log in, log out, who am I, and account care
(change password, log out everywhere, reset codes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from app.accounts import auth, care
from app.accounts.sessions import end_session
from app.accounts.users import Account
from app.plaintext import PlainText
from app.web.csrf import csrf_token
from app.web.deps import (
    ClientDep,
    CurrentUser,
    Instructor,
    LoginLimitsDep,
    RegistrationLimitsDep,
    SessionDep,
    SettingsDep,
)
from app.web.responses import NOT_INSTRUCTOR, NOT_LOGGED_IN, refusals
from app.web.session import (
    clear_session_cookie,
    device_cookie,
    session_token,
    set_device_cookie,
    set_session_cookie,
)

router = APIRouter(prefix="/api", tags=["accounts"])


class Credentials(BaseModel):
    # No minimum lengths here: register reports every problem in its own words at once.
    username: Annotated[PlainText, Field(max_length=64)]
    password: Annotated[PlainText, Field(max_length=1024)]


class MeOut(BaseModel):
    username: str
    role: Literal["student", "instructor"]

    @classmethod
    def of(cls, account: Account) -> MeOut:
        return cls(username=account.username, role=account.role)


class CsrfOut(BaseModel):
    csrf_token: str


@router.get("/auth/csrf", response_model=CsrfOut, summary="The CSRF token (also set as cookie)")
def get_csrf(request: Request) -> CsrfOut:
    return CsrfOut(csrf_token=csrf_token(request))


@router.post(
    "/auth/register",
    response_model=MeOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a student account and log in",
    responses=refusals(
        {
            409: "Username taken",
            422: "Invalid username or password",
            429: "Too many sign-ups from this client",
        }
    ),
)
def register(
    body: Credentials,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    limits: RegistrationLimitsDep,
) -> MeOut:
    done = auth.register(
        session,
        username=body.username,
        password=body.password,
        client=client,
        limits=limits,
        days=settings.session_days,
        secret=settings.secret_key,
        devices=device_cookie(request),
        replacing=session_token(request),
    )
    set_session_cookie(response, request, done.token, settings.session_days)
    set_device_cookie(response, request, done.devices)
    return MeOut.of(done.account)


@router.post(
    "/auth/login",
    response_model=MeOut,
    summary="Log in (a fresh session token, and a fresh CSRF token in the csrftoken cookie)",
    responses=refusals(
        {401: "Wrong credentials", 422: "Invalid input", 429: "Too many failed logins: wait"}
    ),
)
def login(
    body: Credentials,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    limits: LoginLimitsDep,
) -> MeOut:
    done = auth.login(
        session,
        username=body.username,
        password=body.password,
        client=client,
        limits=limits,
        days=settings.session_days,
        secret=settings.secret_key,
        devices=device_cookie(request),
        replacing=session_token(request),
    )
    set_session_cookie(response, request, done.token, settings.session_days)
    set_device_cookie(response, request, done.devices)
    return MeOut.of(done.account)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Log out: the session ends on the server too",
)
def logout(request: Request, session: SessionDep) -> Response:
    token = session_token(request)
    if token:
        end_session(session, token=token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, request)
    return response


@router.get(
    "/me",
    response_model=MeOut,
    summary="The logged-in account",
    responses=refusals(NOT_LOGGED_IN),
)
def me(user: CurrentUser) -> MeOut:
    return MeOut.of(user)


# --- account care ------------------------------------------------------------------------------

NewPassword = Annotated[PlainText, Field(max_length=1024)]


class PasswordChangeIn(BaseModel):
    current_password: Annotated[PlainText, Field(max_length=1024)]
    new_password: NewPassword


class ResetCodeIn(BaseModel):
    username: Annotated[PlainText, Field(max_length=64)]


class ResetCodeOut(BaseModel):
    username: str
    code: str  # shown once: only its hash is stored
    expires_at: datetime


class ResetIn(BaseModel):
    username: Annotated[PlainText, Field(max_length=64)]
    code: Annotated[PlainText, Field(max_length=64)]
    new_password: NewPassword


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change your password; every other session of yours ends",
    responses=refusals(
        {
            **NOT_LOGGED_IN,
            422: "Wrong current password or weak new one",
            429: "Too many wrong passwords: wait",
        }
    ),
)
def change_password(
    body: PasswordChangeIn,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    client: ClientDep,
    limits: LoginLimitsDep,
) -> Response:
    care.change_password(
        session,
        account=user,
        current=body.current_password,
        new=body.new_password,
        keep_token=session_token(request),
        client=client,
        limits=limits,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/logout-everywhere",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End every session of yours, this one included",
    responses=refusals(NOT_LOGGED_IN),
)
def logout_everywhere(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    care.end_all_sessions(session, user_id=user.id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, request)
    return response


@router.post(
    "/auth/reset-codes",
    response_model=ResetCodeOut,
    status_code=status.HTTP_201_CREATED,
    summary="Issue a one-time password-reset code for a student (instructors)",
    responses=refusals({**NOT_INSTRUCTOR, 404: "No such student", 422: "Invalid input"}),
)
def issue_reset_code(
    body: ResetCodeIn, _: Instructor, session: SessionDep, settings: SettingsDep
) -> ResetCodeOut:
    code, expires = care.issue_reset_code(
        session, username=body.username, hours=settings.reset_code_hours
    )
    return ResetCodeOut(username=body.username.strip().lower(), code=code, expires_at=expires)


@router.post(
    "/auth/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a new password with a reset code; every session of the account ends",
    responses=refusals({422: "Wrong, used or expired code", 429: "Too many wrong codes: wait"}),
)
def reset_password(
    body: ResetIn, session: SessionDep, client: ClientDep, limits: LoginLimitsDep
) -> Response:
    care.reset_password(
        session,
        username=body.username,
        code=body.code,
        new=body.new_password,
        client=client,
        limits=limits,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
