"""JSON API for accounts: CSRF token, register, log in, log out, who am I."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from app.accounts import users as accounts
from app.accounts.users import (
    Account,
    InvalidLogin,
    InvalidRegistration,
    LoginLimited,
    RegistrationLimited,
    UsernameTaken,
)
from app.web.csrf import csrf_token
from app.web.deps import CurrentUser, SessionDep, SettingsDep
from app.web.session import (
    clear_session_cookie,
    client_address,
    login_limits,
    registration_limits,
    session_token,
    set_session_cookie,
)

router = APIRouter(prefix="/api", tags=["accounts"])


class Credentials(BaseModel):
    # No minimum lengths here: register reports every problem in its own words at once.
    username: Annotated[str, Field(max_length=64)]
    password: Annotated[str, Field(max_length=1024)]


class RegistrationRefused(HTTPException):
    """422 whose detail is every problem in one string; `problems` has them by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(status.HTTP_422_UNPROCESSABLE_CONTENT, " ".join(problems.values()))
        self.problems = problems


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


def register_account(
    request: Request, session: SessionDep, settings: SettingsDep, username: str, password: str
) -> Account:
    """Return the new student account; raise HTTPException 429/422/409 with a plain reason
    (RegistrationRefused, a 422, names every problem with the username and password)."""
    try:
        accounts.count_registration(
            session, client=client_address(request), limits=registration_limits(settings)
        )
        user = accounts.create_user(session, username=username, password=password)
    except RegistrationLimited as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many accounts were created from your network. Wait a while and try again.",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except UsernameTaken as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except InvalidRegistration as exc:
        raise RegistrationRefused(exc.problems) from None
    return Account.of(user)


def log_in(
    request: Request, session: SessionDep, settings: SettingsDep, username: str, password: str
) -> tuple[Account, str]:
    """Return the account and its new session token; raise HTTPException 401/429."""
    try:
        return accounts.login(
            session,
            username=username,
            password=password,
            client=client_address(request),
            limits=login_limits(settings),
            days=settings.session_days,
            replacing=session_token(request),
        )
    except LoginLimited as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many failed logins. Wait a few minutes and try again.",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except InvalidLogin:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong username or password.") from None


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
) -> MeOut:
    account = register_account(request, session, settings, body.username, body.password)
    token = accounts.start_session(
        session, user_id=account.id, days=settings.session_days, replacing=session_token(request)
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
) -> MeOut:
    account, token = log_in(request, session, settings, body.username, body.password)
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
        accounts.end_session(session, token=token)
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
