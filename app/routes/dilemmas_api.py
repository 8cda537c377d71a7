"""JSON API for dilemmas: responding to one."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.dilemmas.responses import MAX_REASON, DilemmaResultOut, respond
from app.plaintext import PlainText
from app.web.deps import DilemmaDep, LessonDep, OptionalUser, SessionDep

router = APIRouter(prefix="/api", tags=["dilemmas"])


class DilemmaIn(BaseModel):
    # Checked by app/dilemmas/responses.py, which says what is wrong in plain words.
    choice: PlainText | None = Field(None, max_length=64, description="The chosen option's id.")
    reason: PlainText | None = Field(
        None, description=f"Why (optional), at most {MAX_REASON} characters."
    )


@router.post(
    "/lessons/{slug}/dilemmas/{dilemma_id}/responses",
    response_model=DilemmaResultOut,
    summary="Respond to a dilemma: returns every option's trade-offs and the commentary",
    responses={
        404: {"description": "No such lesson or dilemma"},
        422: {"description": "No option chosen, or the reason is too long"},
    },
)
def post_dilemma_response(
    body: DilemmaIn, lesson: LessonDep, dilemma: DilemmaDep, user: OptionalUser, session: SessionDep
) -> DilemmaResultOut:
    return respond(
        session,
        user_id=user.id if user else None,
        lesson_slug=lesson.slug,
        dilemma=dilemma,
        choice=body.choice,
        reason=body.reason,
    )
