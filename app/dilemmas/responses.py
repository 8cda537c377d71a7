"""Dilemma responses: checking and storing a student's choice, reason and confidence, the
round rule (a first answer, then one revision after seeing the class), and what they are
shown afterwards (the class's choices and peers' reasons, app/dilemmas/peers.py; every
option's trade-offs and the expert's commentary)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Dilemma
from app.db.models import DilemmaResponse, utcnow
from app.dilemmas.errors import AlreadyRevised, InvalidResponse
from app.dilemmas.peers import ClassChoicesOut, PeerReasonOut, class_choices, peer_reasons
from app.plaintext import printable

MAX_REASON = 2000
CONFIDENCE = range(1, 6)  # 1 = guessing ... 5 = certain
GUEST_DILEMMA_NOTICE = (
    "You are not logged in: your answer isn't kept, and the class's answers are shown only "
    "to students who log in."
)
ALREADY_REVISED = "You have already revised your answer: each dilemma takes one revision."
ALREADY_ANSWERED = (
    "Your answer was already saved (from another tab?). Reload the page to see the class's "
    "answers; you can revise once."
)


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


class AnswerOut(BaseModel):
    """One of the student's own answers (a round)."""

    choice: str
    choice_text: str
    reason: str
    confidence: int | None


class DilemmaResultOut(BaseModel):
    """What a student sees after responding: their answers, the class (students only; never
    for guests), every option's trade-offs and the commentary."""

    dilemma_id: str
    title: str
    choice: str  # the latest answer's
    reason: str
    confidence: int | None
    options: list[TradeoffOut]
    commentary: str
    saved: bool
    notice: str | None = None
    first: AnswerOut | None = None  # None for a guest
    revised: AnswerOut | None = None
    can_revise: bool = False
    class_choices: ClassChoicesOut | None = None
    peers: list[PeerReasonOut] = []


class DilemmaStateOut(BaseModel):
    """A dilemma as this viewer now sees it: the result only once they have answered."""

    dilemma: DilemmaOut
    result: DilemmaResultOut | None


@dataclass(frozen=True)
class Checked:
    choice: str
    reason: str
    confidence: int | None


def dilemma_view(d: Dilemma) -> DilemmaOut:
    """Return the student's view of a dilemma: scenario and choices, no trade-offs yet."""
    return DilemmaOut(
        id=d.id,
        title=d.title,
        prompt=d.prompt,
        options=[OptionOut(id=o.id, text=o.text) for o in d.options],
        ask_reason=d.ask_reason,
    )


def _answer(dilemma: Dilemma, row: DilemmaResponse) -> AnswerOut:
    texts = {o.id: o.text for o in dilemma.options}
    return AnswerOut(
        choice=row.choice,
        choice_text=texts.get(row.choice, row.choice),
        reason=printable(row.reason),
        confidence=row.confidence,
    )


def dilemma_result(
    dilemma: Dilemma, choice: str, reason: str, confidence: int | None, *, saved: bool
) -> DilemmaResultOut:
    """Return the outcome without the class: a guest's, or the base of a student's."""
    return DilemmaResultOut(
        dilemma_id=dilemma.id,
        title=dilemma.title,
        choice=choice,
        reason=reason,
        confidence=confidence,
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
        notice=None if saved else GUEST_DILEMMA_NOTICE,
    )


def check_response(
    dilemma: Dilemma, choice: object, reason: object, confidence: object, *, need_confidence: bool
) -> Checked:
    """Return the response cleaned; raise InvalidResponse with a sentence when invalid."""
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
    if dilemma.ask_reason and not reason.strip():
        raise InvalidResponse("Write a sentence or two on why you chose this option.")
    if confidence in (None, ""):
        if need_confidence:
            raise InvalidResponse("Say how sure you are, from 1 (guessing) to 5 (certain).")
        return Checked(choice, reason.strip(), None)
    if isinstance(confidence, str) and confidence.strip().isdigit():
        confidence = int(confidence)
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int)
        or confidence not in CONFIDENCE
    ):
        raise InvalidResponse("Say how sure you are with a whole number from 1 to 5.")
    return Checked(choice, reason.strip(), confidence)


def own_rows(
    session: Session, *, user_id: int, lesson_slug: str, dilemma_id: str
) -> list[DilemmaResponse]:
    """Return the student's responses to one dilemma, first round first."""
    return list(
        session.scalars(
            select(DilemmaResponse)
            .where(
                DilemmaResponse.user_id == user_id,
                DilemmaResponse.lesson_slug == lesson_slug,
                DilemmaResponse.dilemma_id == dilemma_id,
            )
            .order_by(DilemmaResponse.round)
        )
    )


def next_round(rows: list[DilemmaResponse]) -> int:
    """Return the round a new response would take: 1 first, 2 once; raise AlreadyRevised
    after that."""
    if not rows:
        return 1
    if len(rows) == 1 and rows[0].round == 1:
        return 2
    raise AlreadyRevised(ALREADY_REVISED)


def respond(
    session: Session,
    *,
    user_id: int | None,
    lesson_slug: str,
    dilemma: Dilemma,
    choice: object,
    reason: object,
    confidence: object = None,
) -> DilemmaResultOut:
    """Return what the answerer now sees of the dilemma, storing a student's response as
    their next round (a guest's is stored nowhere); raise InvalidResponse or AlreadyRevised
    before storing anything."""
    checked = check_response(
        dilemma, choice, reason, confidence, need_confidence=user_id is not None
    )
    if user_id is None:
        return dilemma_result(
            dilemma, checked.choice, checked.reason, checked.confidence, saved=False
        )
    rows = own_rows(session, user_id=user_id, lesson_slug=lesson_slug, dilemma_id=dilemma.id)
    round_ = next_round(rows)
    response = DilemmaResponse(
        user_id=user_id,
        lesson_slug=lesson_slug,
        dilemma_id=dilemma.id,
        choice=checked.choice,
        reason=checked.reason,
        confidence=checked.confidence,
        round=round_,
        created_at=utcnow(),
    )
    session.add(response)
    try:
        session.commit()
    except IntegrityError:
        # Another post (a second tab, a double click) took this round first.
        session.rollback()
        raise AlreadyRevised(ALREADY_REVISED if round_ > 1 else ALREADY_ANSWERED) from None
    # The rows read before, and the one just stored: no need to read them again.
    found = discussion(
        session, user_id=user_id, lesson_slug=lesson_slug, dilemma=dilemma, rows=[*rows, response]
    )
    assert found is not None  # just stored
    return found


def discussion(
    session: Session,
    *,
    user_id: int,
    lesson_slug: str,
    dilemma: Dilemma,
    rows: list[DilemmaResponse] | None = None,
) -> DilemmaResultOut | None:
    """Return what the student sees after answering (their rounds, the class's first
    choices, peers' reasons, trade-offs, commentary), or None before their first answer."""
    if rows is None:
        rows = own_rows(session, user_id=user_id, lesson_slug=lesson_slug, dilemma_id=dilemma.id)
    ids = {o.id for o in dilemma.options}
    rows = [r for r in rows if r.choice in ids]  # options removed since are forgotten
    if not rows:
        return None
    first, latest = rows[0], rows[-1]
    # Rows from before rounds existed may run past 2: the latest is read as the revision.
    revised = latest if len(rows) > 1 else None
    result = dilemma_result(
        dilemma, latest.choice, printable(latest.reason), latest.confidence, saved=True
    )
    choices = class_choices(session, lesson_slug=lesson_slug, dilemma=dilemma)
    # Reasons wait for the same threshold as the split: with two students, "a classmate's
    # reason" would single out the other one.
    peers = (
        peer_reasons(
            session,
            lesson_slug=lesson_slug,
            dilemma=dilemma,
            viewer_id=user_id,
            viewer_choice=latest.choice,
        )
        if choices.shown
        else []
    )
    return result.model_copy(
        update={
            "first": _answer(dilemma, first),
            "revised": None if revised is None else _answer(dilemma, revised),
            "can_revise": revised is None,
            "class_choices": choices,
            "peers": peers,
        }
    )


def latest_results(
    session: Session, *, user_id: int, lesson: Lesson
) -> dict[str, DilemmaResultOut]:
    """Return what the student sees of each dilemma of `lesson` they have answered."""
    found = {
        d.id: discussion(session, user_id=user_id, lesson_slug=lesson.slug, dilemma=d)
        for d in lesson.dilemmas
    }
    return {did: r for did, r in found.items() if r is not None}
