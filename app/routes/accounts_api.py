"""JSON API for accounts: CSRF token, register, log in, log out, who am I."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from app.accounts import auth
from app.accounts.sessions import end_session
from app.accounts.users import Account
from app.plaintext import PlainText
from app.web.csrf import csrf_token
from app.web.deps import (
    ClientDep,
    CurrentUser,
    LoginLimitsDep,
    RegistrationLimitsDep,
    SessionDep,
    SettingsDep,
)
from app.web.session import clear_session_cookie, session_token, set_session_cookie

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
    responses={
        409: {"description": "Username taken"},
        422: {"description": "Invalid"},
        429: {"description": "Too many sign-ups from this client"},
    },
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
    account, token = auth.register(
        session,
        username=body.username,
        password=body.password,
        client=client,
        limits=limits,
        days=settings.session_days,
        replacing=session_token(request),
    )
    set_session_cookie(response, request, token, settings.session_days)
    return MeOut.of(account)


@router.post(
    "/auth/login",
    response_model=MeOut,
    summary="Log in (a fresh session token each time)",
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many"}},
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
    account, token = auth.login(
        session,
        username=body.username,
        password=body.password,
        client=client,
        limits=limits,
        days=settings.session_days,
        replacing=session_token(request),
    )
    set_session_cookie(response, request, token, settings.session_days)
    return MeOut.of(account)


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
    responses={401: {"description": "Not logged in"}},
)
def me(user: CurrentUser) -> MeOut:
    return MeOut.of(user)
