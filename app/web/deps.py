"""Each dependency named once as an Annotated alias; tests override dependencies, not globals.

A dependency that does no blocking work (no database, no file) is `async def`: FastAPI runs
a plain `def` one in the thread pool, and those hand-offs, a dozen per request, cost more
server CPU under load than the work itself. Whatever touches the database stays `def`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from app.accounts.guests import guest_for_token, start_guest
from app.accounts.limits import GuestLimits, LoginLimits, RegistrationLimits
from app.accounts.sessions import account_for_token
from app.accounts.users import Account
from app.config import Settings
from app.content.model import Lesson
from app.content.schema import Dilemma, Question
from app.content.store import Snapshot
from app.db.database import Database
from app.errors import InvalidText
from app.lab.budget import EngineBudget
from app.lab.cache import ByteCache
from app.limits.errors import AnswersLimited
from app.limits.streams import WorkerSlots
from app.limits.usage import ANSWER, CPU, UsageLimit, count_use
from app.plaintext import REFUSED, is_plain
from app.quiz.kinds.base import FormValues
from app.quiz.variants import Answerer
from app.web.clients import networks, real_client
from app.web.csrf import SAFE_METHODS
from app.web.session import guest_token, session_token, set_guest_cookie
from app.web.templating import VIEWER

MAX_TOKEN = 128
NEW_GUEST_TOKEN = "parade_new_guest_token"  # request.state: a guest started by this request


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_lessons(request: Request) -> Snapshot:
    """Return the current lesson snapshot (swapped whole on reload, so always consistent)."""
    snapshot: Snapshot = request.app.state.lessons.snapshot
    return snapshot


async def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
LessonsDep = Annotated[Snapshot, Depends(get_lessons)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


async def get_lesson(slug: str, lessons: LessonsDep) -> Lesson:
    lesson = lessons.lessons.get(slug)
    if lesson is None:
        raise HTTPException(status_code=404, detail=f"No lesson called {slug!r}.")
    return lesson


LessonDep = Annotated[Lesson, Depends(get_lesson)]


async def get_question(lesson: LessonDep, question_id: str) -> Question:
    question = lesson.question(question_id)
    if question is None:
        raise HTTPException(status_code=404, detail=f"No question called {question_id!r}.")
    return question


async def get_dilemma(lesson: LessonDep, dilemma_id: str) -> Dilemma:
    dilemma = lesson.dilemma(dilemma_id)
    if dilemma is None:
        raise HTTPException(status_code=404, detail=f"No dilemma called {dilemma_id!r}.")
    return dilemma


QuestionDep = Annotated[Question, Depends(get_question)]
# A row number from the address: bounded to what the database's integer column holds, so a
# huge one is a 422 rather than an overflow in the driver (a 500).
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DilemmaDep = Annotated[Dilemma, Depends(get_dilemma)]


# --- database and accounts ----------------------------------------------------------------------


async def get_database(request: Request) -> Database:
    db: Database | None = getattr(request.app.state, "db", None)
    if db is None:  # only when the app runs without its lifespan
        raise HTTPException(status_code=503, detail="The database is not ready yet.")
    return db


DatabaseDep = Annotated[Database, Depends(get_database)]


def get_session(request: Request, db: DatabaseDep) -> Iterator[Session]:
    """Yield the request's DB session: GET requests read; others write (on SQLite, BEGIN
    IMMEDIATE). Every dependency of one request shares it."""
    with db.session(write=request.method not in SAFE_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_optional_user(request: Request, session: SessionDep) -> Account | None:
    """Return the logged-in account, or None; templates see it as `viewer`."""
    token = session_token(request)
    account = None
    if token and len(token) <= MAX_TOKEN:
        account = account_for_token(session, token=token)
    setattr(request.state, VIEWER, account)
    return account


OptionalUser = Annotated[Account | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> Account:
    if user is None:
        raise HTTPException(status_code=401, detail="Log in to do this.")
    return user


CurrentUser = Annotated[Account, Depends(get_current_user)]


async def get_instructor(user: CurrentUser) -> Account:
    if not user.is_instructor:
        # One wording for every instructor-only page, action and API route.
        raise HTTPException(
            status_code=403,
            detail=f"This is for instructors only: you are logged in as {user.username}, "
            "a student. Ask an instructor if you need it.",
        )
    return user


Instructor = Annotated[Account, Depends(get_instructor)]


def get_guest(request: Request, session: SessionDep) -> int | None:
    """Return the user id of the guest whose cookie this is, or None."""
    token = guest_token(request)
    if not token or len(token) > MAX_TOKEN:
        return None
    return guest_for_token(session, token=token)


GuestDep = Annotated[int | None, Depends(get_guest)]


async def get_reader(user: OptionalUser, guest: GuestDep) -> Answerer | None:
    """Return whose answers a page shows: the student's, a returning guest's, or nobody's."""
    if user is not None:
        return Answerer(user.id)
    return None if guest is None else Answerer(guest, guest=True)


ReaderDep = Annotated[Answerer | None, Depends(get_reader)]


async def client_address(request: Request, settings: SettingsDep) -> str:
    """Return the client's address, the limits' key: the peer's, or behind a trusted proxy
    the one it saw (app/web/clients.py)."""
    peer = request.client.host if request.client else "unknown"
    trusted = networks(tuple(settings.trusted_proxies))
    return real_client(peer, request.headers.getlist("x-forwarded-for"), trusted)


ClientDep = Annotated[str, Depends(client_address)]


async def get_login_limits(settings: SettingsDep) -> LoginLimits:
    return LoginLimits(
        per_account=settings.login_limit_per_account,
        per_client=settings.login_limit_per_client,
        window=timedelta(seconds=settings.login_window_seconds),
        first_delay=timedelta(seconds=settings.login_delay_seconds),
    )


async def get_registration_limits(settings: SettingsDep) -> RegistrationLimits:
    return RegistrationLimits(
        per_client=settings.register_limit_per_client,
        window=timedelta(seconds=settings.register_window_seconds),
    )


LoginLimitsDep = Annotated[LoginLimits, Depends(get_login_limits)]
RegistrationLimitsDep = Annotated[RegistrationLimits, Depends(get_registration_limits)]


async def form_values(request: Request) -> dict[str, list[str]]:
    """Return the posted form, every field as a list of its string values; refuse (422) text
    no one could have typed."""
    form = await request.form()
    values = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    if not all(is_plain(v) for vs in values.values() for v in vs):
        raise InvalidText(REFUSED)
    return values


FormDep = Annotated[FormValues, Depends(form_values)]


def get_guest_limits(settings: SettingsDep) -> GuestLimits:
    return GuestLimits(
        per_client=settings.guest_limit_per_client,
        window=timedelta(seconds=settings.guest_window_seconds),
    )


def get_answerer(
    request: Request,
    reader: ReaderDep,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Answerer:
    """Return who is answering; someone with neither a login nor a guest cookie becomes a new
    guest, whose cookie the route sets with `remember_guest` (their tries are counted)."""
    if reader is not None:
        return reader
    guest_id, token = start_guest(
        session, client=client, limits=get_guest_limits(settings), days=settings.guest_days
    )
    setattr(request.state, NEW_GUEST_TOKEN, token)
    return Answerer(guest_id, guest=True)


AnswererDep = Annotated[Answerer, Depends(get_answerer)]


def remember_guest(request: Request, response: Response, settings: Settings) -> None:
    """Set the cookie of a guest that `get_answerer` started in this request, if any."""
    token = getattr(request.state, NEW_GUEST_TOKEN, None)
    if token:
        set_guest_cookie(response, request, token, settings.guest_days)


# --- abuse limits (app/limits) ------------------------------------------------------------------


async def get_trace_cache(request: Request) -> ByteCache:
    cache: ByteCache = request.app.state.trace_cache
    return cache


async def get_train_slots(request: Request) -> WorkerSlots:
    slots: WorkerSlots = request.app.state.train_slots
    return slots


async def get_engine_budget(
    db: DatabaseDep, client: ClientDep, settings: SettingsDep
) -> EngineBudget:
    """Return the client's engine budget (CPU-seconds per window, counted in the database)."""
    cpu = UsageLimit(
        kind=CPU,
        limit=settings.cpu_seconds_per_client,
        window=timedelta(seconds=settings.cpu_window_seconds),
    )
    return EngineBudget(db=db, client=client, cpu=cpu)


TraceCacheDep = Annotated[ByteCache, Depends(get_trace_cache)]
TrainSlotsDep = Annotated[WorkerSlots, Depends(get_train_slots)]
EngineBudgetDep = Annotated[EngineBudget, Depends(get_engine_budget)]


def answer_limit(settings: Settings) -> UsageLimit:
    return UsageLimit(
        kind=ANSWER,
        limit=settings.answer_limit_per_student,
        window=timedelta(seconds=settings.answer_window_seconds),
    )


def count_quiz_answer(answerer: AnswererDep, session: SessionDep, settings: SettingsDep) -> None:
    """Count one answer for the student or guest answering, or raise AnswersLimited."""
    count_use(
        session,
        key=f"user:{answerer.user_id}",
        limit=answer_limit(settings),
        limited=AnswersLimited,
    )


def count_dilemma_response(
    user: OptionalUser,
    guest: GuestDep,
    client: ClientDep,
    session: SessionDep,
    settings: SettingsDep,
) -> None:
    """Count one response for the student, the returning guest, or else the client address
    (a guest's response is stored nowhere, but still costs its request); or raise
    AnswersLimited."""
    owner = user.id if user else guest
    key = f"user:{owner}" if owner is not None else f"client:{client}"
    count_use(session, key=key, limit=answer_limit(settings), limited=AnswersLimited)


QuizAnswerCounted = Annotated[None, Depends(count_quiz_answer)]
DilemmaResponseCounted = Annotated[None, Depends(count_dilemma_response)]
