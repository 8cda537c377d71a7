"""JSON API for dilemmas: a dilemma as this viewer sees it, and responding to one."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictInt

from app.dilemmas.responses import (
    MAX_REASON,
    DilemmaResultOut,
    DilemmaStateOut,
    dilemma_view,
    discussion,
    respond,
)
from app.plaintext import PlainText
from app.web.deps import (
    DilemmaDep,
    DilemmaResponseCounted,
    LessonDep,
    OptionalUser,
    SessionDep,
)
from app.web.responses import refusals

router = APIRouter(prefix="/api", tags=["dilemmas"])


class DilemmaIn(BaseModel):
    # Checked by app/dilemmas/responses.py, which says what is wrong in plain words.
    choice: PlainText | None = Field(None, max_length=64, description="The chosen option's id.")
    reason: PlainText | None = Field(
        None, description=f"Why (required when the dilemma asks), at most {MAX_REASON} characters."
    )
    confidence: StrictInt | PlainText | None = Field(
        None, description="How sure, 1 (guessing) to 5 (certain); required when logged in."
    )


@router.get(
    "/lessons/{slug}/dilemmas/{dilemma_id}",
    response_model=DilemmaStateOut,
    summary="A dilemma as you see it: the class's answers and the commentary only once you "
    "have answered",
    responses=refusals({404: "No such lesson or dilemma"}),
)
def get_dilemma_state(
    lesson: LessonDep, dilemma: DilemmaDep, user: OptionalUser, session: SessionDep
) -> DilemmaStateOut:
    result = (
        discussion(session, user_id=user.id, lesson_slug=lesson.slug, dilemma=dilemma)
        if user
        else None
    )
    return DilemmaStateOut(dilemma=dilemma_view(dilemma), result=result)


@router.post(
    "/lessons/{slug}/dilemmas/{dilemma_id}/responses",
    response_model=DilemmaResultOut,
    summary="Respond to a dilemma (first answer, then one revision): returns the class's "
    "first choices, peers' reasons, every option's trade-offs and the commentary",
    responses=refusals(
        {
            404: "No such lesson or dilemma",
            409: "You have already revised your answer",
            422: "No option chosen, no reason, no confidence, or a reason too long",
            429: "Too many answers from this student, guest or client in the last minute",
        }
    ),
)
def post_dilemma_response(
    body: DilemmaIn,
    lesson: LessonDep,
    dilemma: DilemmaDep,
    user: OptionalUser,
    counted: DilemmaResponseCounted,
    session: SessionDep,
) -> DilemmaResultOut:
    return respond(
        session,
        user_id=user.id if user else None,
        lesson_slug=lesson.slug,
        dilemma=dilemma,
        choice=body.choice,
        reason=body.reason,
        confidence=body.confidence,
    )
