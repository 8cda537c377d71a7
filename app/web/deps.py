"""Each dependency named once as an Annotated alias; tests override dependencies, not globals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from app.accounts.users import Account
from app.config import Settings
from app.content.model import Lesson
from app.content.store import Snapshot
from app.db.database import Database
from app.web.csrf import SAFE_METHODS
from app.web.session import account_from_request


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_lessons(request: Request) -> Snapshot:
    """Return the current lesson snapshot (swapped whole on reload, so always consistent)."""
    snapshot: Snapshot = request.app.state.lessons.snapshot
    return snapshot


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
LessonsDep = Annotated[Snapshot, Depends(get_lessons)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


def get_lesson(slug: str, lessons: LessonsDep) -> Lesson:
    lesson = lessons.lessons.get(slug)
    if lesson is None:
        raise HTTPException(status_code=404, detail=f"No lesson called {slug!r}.")
    return lesson


LessonDep = Annotated[Lesson, Depends(get_lesson)]


# --- database and accounts ----------------------------------------------------------------------


def get_database(request: Request) -> Database:
    db: Database | None = getattr(request.app.state, "db", None)
    if db is None:  # only when the app runs without its lifespan
        raise HTTPException(status_code=503, detail="The database is not ready yet.")
    return db


DatabaseDep = Annotated[Database, Depends(get_database)]


def get_session(request: Request, db: DatabaseDep) -> Iterator[Session]:
    """Yield a DB session: GET requests read; others write (on SQLite, BEGIN IMMEDIATE)."""
    with db.session(write=request.method not in SAFE_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_optional_user(request: Request) -> Account | None:
    return account_from_request(request)


OptionalUser = Annotated[Account | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> Account:
    if user is None:
        raise HTTPException(status_code=401, detail="Log in to do this.")
    return user


CurrentUser = Annotated[Account, Depends(get_current_user)]


def get_instructor(user: CurrentUser) -> Account:
    if not user.is_instructor:
        raise HTTPException(status_code=403, detail="Only instructors can see this.")
    return user


Instructor = Annotated[Account, Depends(get_instructor)]
