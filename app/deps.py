"""Each dependency named once as an Annotated alias; tests override dependencies, not globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from app.config import Settings
from app.content.model import Lesson
from app.content.store import Snapshot


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
