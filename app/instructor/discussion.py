"""The instructor's view of peer discussion in one lesson's dilemmas: per dilemma, how the
students first chose and how they chose in the end, who changed their mind and in which
direction, how sure they were before and after, and every reason (first and revised) with
its moderation mark. Students only: guests' and instructors' rows are left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from statistics import fmean

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Dilemma
from app.db.models import STUDENT, DilemmaResponse, User
from app.plaintext import printable


class ShareOut(BaseModel):
    id: str
    text: str
    first: int  # students whose first answer chose this option
    final: int  # students whose final answer (revised, else first) chose it
    first_percent: float
    final_percent: float


class SwitchOut(BaseModel):
    """Students who changed their mind from one option to another."""

    from_text: str
    to_text: str
    count: int


class ModeratedReasonOut(BaseModel):
    id: int  # the response's id: what the Hide / Show buttons address
    round: int  # 1 = first answer; above 1 = the revision
    choice_text: str
    text: str
    confidence: int | None
    hidden: bool


class DilemmaDiscussionOut(BaseModel):
    id: str
    title: str
    students: int  # who answered
    revised: int  # who used their revision
    changed: int  # whose final choice differs from their first
    choices: list[ShareOut]
    switches: list[SwitchOut]  # most common first
    confidence_first: float | None  # mean over first answers that gave one
    confidence_final: float | None  # mean over final answers that gave one
    reasons: list[ModeratedReasonOut]  # newest first, hidden ones included


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _mean(values: Sequence[int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return round(fmean(given), 2) if given else None


def dilemma_discussion(dilemma: Dilemma, rows: Sequence[DilemmaResponse]) -> DilemmaDiscussionOut:
    """Return the discussion statistics of one dilemma from its students' rows."""
    texts = {o.id: o.text for o in dilemma.options}
    by_user: dict[int, list[DilemmaResponse]] = {}
    for r in sorted(rows, key=lambda r: (r.user_id, r.round)):
        if r.choice in texts:  # options removed since are not counted
            by_user.setdefault(r.user_id, []).append(r)
    firsts = [answers[0] for answers in by_user.values()]
    finals = [answers[-1] for answers in by_user.values()]
    first_counts = Counter(r.choice for r in firsts)
    final_counts = Counter(r.choice for r in finals)
    switches = Counter(
        (a[0].choice, a[-1].choice) for a in by_user.values() if a[0].choice != a[-1].choice
    )
    whole = len(by_user)
    return DilemmaDiscussionOut(
        id=dilemma.id,
        title=dilemma.title,
        students=whole,
        revised=sum(len(a) > 1 for a in by_user.values()),
        changed=sum(switches.values()),
        choices=[
            ShareOut(
                id=o.id,
                text=o.text,
                first=first_counts[o.id],
                final=final_counts[o.id],
                first_percent=_percent(first_counts[o.id], whole),
                final_percent=_percent(final_counts[o.id], whole),
            )
            for o in dilemma.options
        ],
        switches=[
            SwitchOut(from_text=texts[a], to_text=texts[b], count=n)
            for (a, b), n in switches.most_common()
        ],
        confidence_first=_mean([r.confidence for r in firsts]),
        confidence_final=_mean([r.confidence for r in finals]),
        reasons=[
            ModeratedReasonOut(
                id=r.id,
                round=r.round,
                choice_text=texts[r.choice],
                text=printable(r.reason),
                confidence=r.confidence,
                hidden=r.hidden_at is not None,
            )
            for r in sorted(rows, key=lambda r: r.id, reverse=True)
            if r.choice in texts and r.reason.strip()
        ],
    )


def lesson_discussion(session: Session, *, lesson: Lesson) -> list[DilemmaDiscussionOut]:
    """Return the discussion statistics of every dilemma in `lesson`."""
    rows = session.scalars(
        select(DilemmaResponse)
        .join(User, User.id == DilemmaResponse.user_id)
        .where(DilemmaResponse.lesson_slug == lesson.slug, User.role == STUDENT)
    ).all()
    by_dilemma: dict[str, list[DilemmaResponse]] = {}
    for r in rows:
        by_dilemma.setdefault(r.dilemma_id, []).append(r)
    return [dilemma_discussion(d, by_dilemma.get(d.id, [])) for d in lesson.dilemmas]
