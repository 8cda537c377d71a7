"""HTML pages for the instructor's view of peer discussion: a lesson's dilemmas, and the
Hide / Show forms (which come back to that page)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.dilemmas.moderation import set_hidden
from app.instructor.discussion import lesson_discussion
from app.web.deps import Instructor, LessonDep, RowId, SessionDep, TemplatesDep, get_optional_user
from app.web.pages import DiscussionPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])


@router.get("/instructor/lessons/{slug}/dilemmas", response_class=HTMLResponse)
def discussion_page(
    request: Request, _: Instructor, lesson: LessonDep, session: SessionDep, templates: TemplatesDep
) -> HTMLResponse:
    page = DiscussionPage(
        lesson_slug=lesson.slug,
        lesson_title=lesson.title,
        dilemmas=lesson_discussion(session, lesson=lesson),
    )
    return templates.TemplateResponse(request, "instructor/discussion.html", {"page": page})


def _back(session: SessionDep, response_id: int, *, hidden: bool) -> RedirectResponse:
    row = set_hidden(session, response_id=response_id, hidden=hidden)
    where = f"/instructor/lessons/{row.lesson_slug}/dilemmas#r-{row.id}"
    return RedirectResponse(where, status_code=303)


@router.post("/instructor/dilemma-responses/{response_id}/hide")
def hide_reason(_: Instructor, response_id: RowId, session: SessionDep) -> RedirectResponse:
    return _back(session, response_id, hidden=True)


@router.post("/instructor/dilemma-responses/{response_id}/show")
def show_reason(_: Instructor, response_id: RowId, session: SessionDep) -> RedirectResponse:
    return _back(session, response_id, hidden=False)
