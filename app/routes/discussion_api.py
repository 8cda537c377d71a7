"""JSON API for the instructor's view of peer discussion: statistics and moderation."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.dilemmas.moderation import set_hidden
from app.instructor.discussion import DilemmaDiscussionOut, lesson_discussion
from app.web.deps import Instructor, LessonDep, RowId, SessionDep
from app.web.responses import NOT_INSTRUCTOR, refusals

router = APIRouter(prefix="/api/instructor", tags=["instructor"])


class ModeratedOut(BaseModel):
    id: int
    hidden: bool


@router.get(
    "/lessons/{slug}/dilemmas",
    response_model=list[DilemmaDiscussionOut],
    summary="Per dilemma: first and revised choices, changed minds, confidence, every reason "
    "(instructors only)",
    responses=refusals({**NOT_INSTRUCTOR, 404: "No such lesson"}),
)
def discussion_stats(
    _: Instructor, lesson: LessonDep, session: SessionDep
) -> list[DilemmaDiscussionOut]:
    return lesson_discussion(session, lesson=lesson)


def _moderate(session: SessionDep, response_id: int, *, hidden: bool) -> ModeratedOut:
    row = set_hidden(session, response_id=response_id, hidden=hidden)
    return ModeratedOut(id=row.id, hidden=row.hidden_at is not None)


@router.post(
    "/dilemma-responses/{response_id}/hide",
    response_model=ModeratedOut,
    summary="Hide a reason from students (instructors only)",
    responses=refusals({**NOT_INSTRUCTOR, 404: "No such response", 422: "Not a number"}),
)
def hide_reason(_: Instructor, response_id: RowId, session: SessionDep) -> ModeratedOut:
    return _moderate(session, response_id, hidden=True)


@router.post(
    "/dilemma-responses/{response_id}/show",
    response_model=ModeratedOut,
    summary="Show a hidden reason to students again (instructors only)",
    responses=refusals({**NOT_INSTRUCTOR, 404: "No such response", 422: "Not a number"}),
)
def show_reason(_: Instructor, response_id: RowId, session: SessionDep) -> ModeratedOut:
    return _moderate(session, response_id, hidden=False)
