"""Peer discussion (Mazur's Peer Instruction): what a student sees of the class once they
have answered a dilemma: how the class first chose, and a few anonymous reasons from
students who chose otherwise.

Only students count: guests' and instructors' rows are left out, and a reason an instructor
hid (`hidden_at`) is never shown again. The pure functions (`first_choice_shares`,
`pick_peers`) hold the rules; the others read the rows they need.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.content.schema import Dilemma
from app.db.models import STUDENT, DilemmaResponse, User
from app.plaintext import printable

MIN_ANSWERS = 3  # the class's choices are shown once this many students have answered
MAX_PEERS = 3  # reasons shown from other students


class ChoiceShareOut(BaseModel):
    id: str
    text: str
    count: int
    percent: float  # of the students who answered


class ClassChoicesOut(BaseModel):
    """The class's first choices; empty until `threshold` students have answered."""

    threshold: int
    shown: bool
    students: int  # how many students answered (round 1)
    choices: list[ChoiceShareOut]


class PeerReasonOut(BaseModel):
    """Another student's reason, with no name: the option they chose and why."""

    choice: str  # the option's id
    choice_text: str
    text: str


@dataclass(frozen=True)
class Candidate:
    """One stored response whose reason might be shown to another student."""

    user_id: int
    choice: str
    reason: str
    round: int
    hidden: bool


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def first_choice_shares(first_choices: Mapping[str, int], dilemma: Dilemma) -> ClassChoicesOut:
    """Return the split of the class's first choices (how many students first chose each
    option id), or nothing below MIN_ANSWERS answers (choices of options removed since are
    not counted)."""
    counts = {o.id: first_choices.get(o.id, 0) for o in dilemma.options}
    students = sum(counts.values())
    shown = students >= MIN_ANSWERS
    return ClassChoicesOut(
        threshold=MIN_ANSWERS,
        shown=shown,
        students=students,
        choices=[
            ChoiceShareOut(
                id=o.id,
                text=o.text,
                count=counts[o.id],
                percent=_percent(counts[o.id], students),
            )
            for o in dilemma.options
        ]
        if shown
        else [],
    )


def _order_key(seed: str, user_id: int) -> bytes:
    # A hash rather than a shuffle: each viewer gets their own order, and a new answer from
    # someone else slots in without reshuffling the reasons already shown.
    return hashlib.sha256(f"{seed}:{user_id}".encode()).digest()


def pick_peers(
    candidates: Iterable[Candidate],
    *,
    viewer_id: int,
    viewer_choice: str,
    option_ids: Sequence[str],
    seed: str,
    limit: int = MAX_PEERS,
) -> list[Candidate]:
    """Return up to `limit` reasons of other students who chose another option than
    `viewer_choice`: never the viewer's, never hidden or empty, one student's latest usable
    reason each, spread over the other options in turn; the same order on every reload.
    A student whose latest answer agrees with the viewer is not offered as disagreeing."""
    candidates = list(candidates)
    latest: dict[int, Candidate] = {}
    for c in candidates:
        if c.user_id not in latest or c.round > latest[c.user_id].round:
            latest[c.user_id] = c
    best: dict[int, Candidate] = {}
    for c in candidates:
        if c.user_id == viewer_id or c.hidden or not c.reason.strip():
            continue
        if c.choice == viewer_choice or latest[c.user_id].choice == viewer_choice:
            continue
        if c.user_id not in best or c.round > best[c.user_id].round:
            best[c.user_id] = c
    groups = {
        option: sorted(
            (c for c in best.values() if c.choice == option),
            key=lambda c: _order_key(seed, c.user_id),
        )
        for option in option_ids
        if option != viewer_choice
    }
    picked: list[Candidate] = []
    depth = 0
    while len(picked) < limit and any(len(g) > depth for g in groups.values()):
        for group in groups.values():
            if len(group) > depth and len(picked) < limit:
                picked.append(group[depth])
        depth += 1
    return picked


def _of_students(lesson_slug: str, dilemma_id: str) -> tuple[ColumnElement[bool], ...]:
    """Return the filter of one dilemma's rows written by students (joined with User)."""
    return (
        User.id == DilemmaResponse.user_id,
        DilemmaResponse.lesson_slug == lesson_slug,
        DilemmaResponse.dilemma_id == dilemma_id,
        User.role == STUDENT,
    )


def class_choices(session: Session, *, lesson_slug: str, dilemma: Dilemma) -> ClassChoicesOut:
    """Return the split of the students' first choices (round 1) in one dilemma, counted by
    the database: a class's size costs this request nothing."""
    counts = session.execute(
        select(DilemmaResponse.choice, func.count())
        .where(*_of_students(lesson_slug, dilemma.id), DilemmaResponse.round == 1)
        .group_by(DilemmaResponse.choice)
    ).all()
    return first_choice_shares(dict(counts), dilemma)


def peer_reasons(
    session: Session, *, lesson_slug: str, dilemma: Dilemma, viewer_id: int, viewer_choice: str
) -> list[PeerReasonOut]:
    """Return a few other students' reasons for other options than `viewer_choice`."""
    # Every round of the others: a revision to the viewer's own choice rules a student out.
    # Plain rows of the five columns the rules need, not whole ORM objects: a class of 1,000
    # made this read cost 19 ms of CPU a request as objects.
    rows = session.execute(
        select(
            DilemmaResponse.user_id,
            DilemmaResponse.choice,
            DilemmaResponse.reason,
            DilemmaResponse.round,
            DilemmaResponse.hidden_at.is_not(None),
        ).where(*_of_students(lesson_slug, dilemma.id), DilemmaResponse.user_id != viewer_id)
    ).all()
    texts = {o.id: o.text for o in dilemma.options}
    picked = pick_peers(
        (Candidate(*row) for row in rows),
        viewer_id=viewer_id,
        viewer_choice=viewer_choice,
        option_ids=list(texts),
        seed=f"{viewer_id}:{lesson_slug}:{dilemma.id}",
    )
    return [
        PeerReasonOut(choice=c.choice, choice_text=texts[c.choice], text=printable(c.reason))
        for c in picked
    ]
