"""HTML pages for dilemmas: a response posted without JavaScript, or the fragment the
enhanced form swaps in."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.dilemmas.responses import dilemma_view, respond
from app.web.deps import (
    DilemmaDep,
    DilemmaResponseCounted,
    FormDep,
    LessonDep,
    OptionalUser,
    SessionDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.fragments import wants_fragment
from app.web.pages import DilemmaPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])


@router.post("/lessons/{slug}/dilemmas/{dilemma_id}", response_class=HTMLResponse)
def dilemma_form(
    request: Request,
    lesson: LessonDep,
    dilemma: DilemmaDep,
    form: FormDep,
    user: OptionalUser,
    counted: DilemmaResponseCounted,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    result = respond(
        session,
        user_id=user.id if user else None,
        lesson_slug=lesson.slug,
        dilemma=dilemma,
        choice=next(iter(form.get("choice", [])), ""),
        reason=next(iter(form.get("reason", [])), ""),
        confidence=next(iter(form.get("confidence", [])), None),
    )
    page = DilemmaPage(
        lesson_slug=lesson.slug,
        lesson_title=lesson.title,
        dilemma=dilemma_view(dilemma),
        result=result,
    )
    template = "quiz/_dilemma_answered.html" if wants_fragment(request) else "quiz/dilemma.html"
    return templates.TemplateResponse(request, template, {"page": page})
