"""Dilemma responses: checking and storing a student's choice and reason, and what they are
shown afterwards (every option's trade-offs and the expert's commentary)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Dilemma
from app.db.models import DilemmaResponse, utcnow
from app.dilemmas.errors import InvalidResponse
from app.quiz.results import GUEST_NOTICE

MAX_REASON = 2000


class OptionOut(BaseModel):
    id: str
    text: str


class DilemmaOut(BaseModel):
    """What a student sees before responding: the scenario and the choices, no trade-offs."""

    id: str
    title: str
    prompt: str
    options: list[OptionOut]
    ask_reason: bool


class TradeoffOut(BaseModel):
    id: str
    text: str
    gains: list[str]
    costs: list[str]
    chosen: bool


class DilemmaResultOut(BaseModel):
    """What a student sees after responding."""

    dilemma_id: str
    title: str
    choice: str
    reason: str
    options: list[TradeoffOut]
    commentary: str
    saved: bool
    notice: str | None = None


def dilemma_view(d: Dilemma) -> DilemmaOut:
    """Return the student's view of a dilemma: scenario and choices, no trade-offs yet."""
    return DilemmaOut(
        id=d.id,
        title=d.title,
        prompt=d.prompt,
        options=[OptionOut(id=o.id, text=o.text) for o in d.options],
        ask_reason=d.ask_reason,
    )


def dilemma_result(dilemma: Dilemma, choice: str, reason: str, *, saved: bool) -> DilemmaResultOut:
    return DilemmaResultOut(
        dilemma_id=dilemma.id,
        title=dilemma.title,
        choice=choice,
        reason=reason,
        options=[
            TradeoffOut(
                id=o.id,
                text=o.text,
                gains=list(o.tradeoffs.gains),
                costs=list(o.tradeoffs.costs),
                chosen=o.id == choice,
            )
            for o in dilemma.options
        ],
        commentary=dilemma.commentary,
        saved=saved,
        notice=None if saved else GUEST_NOTICE,
    )


def check_response(dilemma: Dilemma, choice: object, reason: object) -> tuple[str, str]:
    """Return (choice, reason) cleaned; raise InvalidResponse with a sentence when invalid."""
    ids = [o.id for o in dilemma.options]
    if choice is None or choice == "":
        raise InvalidResponse("Choose one of the options before you commit.")
    if not isinstance(choice, str) or choice not in ids:
        raise InvalidResponse(f"Choose one of the options: {', '.join(ids)}.")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise InvalidResponse("Write your reason as text.")
    if len(reason) > MAX_REASON:
        raise InvalidResponse(
            f"Keep your reason to {MAX_REASON} characters; yours has {len(reason)}. "
            "Shorten it and commit again."
        )
    return choice, reason.strip()


def respond(
    session: Session,
    *,
    user_id: int | None,
    lesson_slug: str,
    dilemma: Dilemma,
    choice: object,
    reason: object,
) -> DilemmaResultOut:
    """Return every option's trade-offs and the commentary, storing a student's response
    (a guest's is stored nowhere); raise InvalidResponse before storing anything."""
    choice, reason = check_response(dilemma, choice, reason)
    if user_id is not None:
        session.add(
            DilemmaResponse(
                user_id=user_id,
                lesson_slug=lesson_slug,
                dilemma_id=dilemma.id,
                choice=choice,
                reason=reason,
                created_at=utcnow(),
            )
        )
        session.commit()
    return dilemma_result(dilemma, choice, reason, saved=user_id is not None)


def latest_results(
    session: Session, *, user_id: int, lesson: Lesson
) -> dict[str, DilemmaResultOut]:
    """Return the student's latest response to each dilemma of `lesson`, as they saw it."""
    rows = session.execute(
        select(DilemmaResponse.dilemma_id, DilemmaResponse.choice, DilemmaResponse.reason)
        .where(DilemmaResponse.user_id == user_id, DilemmaResponse.lesson_slug == lesson.slug)
        .order_by(DilemmaResponse.id)
    ).all()
    dilemmas = {d.id: d for d in lesson.dilemmas}
    latest: dict[str, tuple[str, str]] = {}
    for r in rows:  # later rows win: the latest response
        d = dilemmas.get(r.dilemma_id)
        if d is not None and r.choice in {o.id for o in d.options}:
            latest[r.dilemma_id] = (r.choice, r.reason)
    return {
        did: dilemma_result(dilemmas[did], choice, reason, saved=True)
        for did, (choice, reason) in latest.items()
    }
