"""Item analysis of one lesson's quiz for instructors: per question how hard it is, whether it
tells stronger students from weaker ones, which distractors work, and the misconceptions the
class showed (after Moodle's quiz statistics report and PrairieLearn's question statistics).

The stored scores are used as they are: nothing is re-graded. One query loads the lesson's
attempts by students (guests and instructors left out) at the current version of each
question; the statistics are then computed in NumPy (app/instructor/itemstats.py).

Choices stated to the instructor on the page:
- each student's FIRST try and, beside it, their BEST try at each question;
- the rest score of a student is the sum of their scores on the lesson's other questions, a
  question they did not try counting 0;
- an item's statistics are over the students who tried it;
- misconceptions count a student who showed one in ANY try.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Question
from app.db.models import STUDENT, Attempt, User
from app.instructor import itemstats as st
from app.quiz.grading import question_version
from app.quiz.kinds import kind_of

# Thresholds of the "needs review" flag; the page shows them. Flags use first tries, the
# ones item analysis assumes (later tries build on the feedback of earlier ones).
MIN_STUDENTS = 10  # below this many students a question gets "not enough data"
TOO_EASY = 0.9  # facility above this: nearly everyone gets it
TOO_HARD = 0.2  # facility below this: nearly no one does
LOW_DISCRIMINATION = 0.1  # item-rest correlation below this: it does not tell students apart
BAD_DISTRACTOR = 0.05  # a wrong option whose pickers' rest score correlates above this

Status = Literal["ok", "review", "not enough data"]


class ItemStatsOut(BaseModel):
    """One question's statistics over the students who tried it (None: not enough data)."""

    students: int
    facility: float | None  # mean score ÷ max score (1): 0 hard .. 1 easy
    sd: float | None  # standard deviation of the scores
    discrimination: float | None  # Pearson r of the score with the rest score, -1..1
    efficiency: float | None  # discriminative efficiency: r's share of its maximum, as a fraction


class OptionStatsOut(BaseModel):
    id: str
    text: str
    correct: bool
    chosen: int  # students who picked it on their first try
    percent: float | None  # of the students who tried the question
    correlation: float | None  # Pearson r of "picked it" with the rest score
    misconception: str | None


class ItemOut(BaseModel):
    id: str
    prompt: str
    type_label: str
    version: str  # the current version: tries at earlier versions are not counted
    first: ItemStatsOut
    best: ItemStatsOut
    options: list[OptionStatsOut]  # choice kinds only
    status: Status
    reasons: list[str]


class MisconceptionOut(BaseModel):
    text: str
    students: int  # distinct students who showed it in any try
    questions: list[str]  # ids of the questions where it showed


class ThresholdsOut(BaseModel):
    min_students: int = MIN_STUDENTS
    too_easy: float = TOO_EASY
    too_hard: float = TOO_HARD
    low_discrimination: float = LOW_DISCRIMINATION
    bad_distractor: float = BAD_DISTRACTOR


class ItemAnalysisOut(BaseModel):
    slug: str
    title: str
    students: int  # students with a try at a current question of the lesson
    thresholds: ThresholdsOut
    items: list[ItemOut]
    misconceptions: list[MisconceptionOut]  # most students first


@dataclass
class _Tries:
    """The class's tries as matrices: S students × Q questions of the lesson."""

    tried: np.ndarray  # (S, Q) bool
    first: np.ndarray  # (S, Q) score of the first try, 0 where untried
    best: np.ndarray  # (S, Q) best score, 0 where untried
    first_picks: list[dict[int, frozenset[str]]]  # per question: student -> options picked
    shown: dict[str, tuple[set[int], list[str]]] = field(default_factory=dict)


def item_analysis(session: Session, *, lesson: Lesson) -> ItemAnalysisOut:
    """Return the item analysis of `lesson`'s quiz from the stored tries of its students."""
    questions = list(lesson.questions)
    tries = _load(session, lesson_slug=lesson.slug, questions=questions)
    items = [_item(q, j, tries) for j, q in enumerate(questions)]
    misconceptions = [
        MisconceptionOut(text=text, students=len(users), questions=qids)
        for text, (users, qids) in tries.shown.items()
    ]
    misconceptions.sort(key=lambda m: (-m.students, m.text))
    return ItemAnalysisOut(
        slug=lesson.slug,
        title=lesson.title,
        students=int(tries.tried.any(axis=1).sum()),
        thresholds=ThresholdsOut(),
        items=items,
        misconceptions=misconceptions,
    )


class _Reader:
    """Reads stored answers as the JSON text the database holds, each distinct answer to a
    question once: a class gives the same few answers thousands of times, and decoding every
    row's JSON through the ORM was most of the page's time."""

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = questions
        self.kinds = [kind_of(q) for q in questions]
        self.has_options = [
            bool(k.answer_options(q)) for k, q in zip(self.kinds, questions, strict=True)
        ]
        self.seen: dict[tuple[int, str | None], tuple[frozenset[str], list[str]]] = {}

    def read(self, j: int, raw: str | None) -> tuple[frozenset[str], list[str]]:
        """Return the options picked by a stored answer to question j, and the
        misconceptions they reveal."""
        if not self.has_options[j]:
            return frozenset(), []
        key = (j, raw)
        if key not in self.seen:
            try:
                stored = None if raw is None else json.loads(raw)
            except ValueError:
                stored = None  # a row written past every check: it picked nothing
            q, kind = self.questions[j], self.kinds[j]
            picked = frozenset(kind.chosen_options(q, stored))
            self.seen[key] = (picked, kind.misconceptions_shown(q, stored))
        return self.seen[key]


def _load(session: Session, *, lesson_slug: str, questions: Sequence[Question]) -> _Tries:
    """Return the students' tries at the current versions of `questions` (one query)."""
    column = {(q.id, question_version(q)): j for j, q in enumerate(questions)}
    query = (
        select(
            Attempt.user_id,
            Attempt.question_id,
            Attempt.question_version,
            Attempt.score,
            cast(Attempt.answer, Text),  # decoded once per distinct answer, by _Reader
        )
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.lesson_slug == lesson_slug, User.role == STUDENT)
        .order_by(Attempt.number)  # so a student's first try at a question comes first
    )
    rows = session.connection().execute(query).all()  # Core rows: no ORM layer needed
    reader = _Reader(questions)
    student: dict[int, int] = {}
    first: dict[tuple[int, int], float] = {}
    best: dict[tuple[int, int], float] = {}
    first_picks: list[dict[int, frozenset[str]]] = [{} for _ in questions]
    shown: dict[str, tuple[set[int], list[str]]] = {}
    for user_id, question_id, version, stored_score, raw in rows:
        j = column.get((question_id, version))
        if j is None:
            continue  # another version, or a question no longer in the lesson
        i = student.setdefault(user_id, len(student))
        score = _score(stored_score)
        picked, misconceptions = reader.read(j, raw)
        if (i, j) not in first:
            first[(i, j)] = score
            first_picks[j][i] = picked
        best[(i, j)] = max(best.get((i, j), 0.0), score)
        for m in misconceptions:
            users, qids = shown.setdefault(m, (set(), []))
            users.add(user_id)
            if question_id not in qids:
                qids.append(question_id)
    shape = (len(student), len(questions))
    tries = _Tries(
        tried=np.zeros(shape, dtype=bool),
        first=np.zeros(shape),
        best=np.zeros(shape),
        first_picks=first_picks,
        shown=shown,
    )
    if first:
        index = tuple(np.array(list(first)).T)
        tries.tried[index] = True
        tries.first[index] = list(first.values())
        tries.best[index] = [best[k] for k in first]
    return tries


def _score(value: object) -> float:
    """Return a stored score as a number in 0..1 (the table's check keeps it so; a row
    written past it counts as the nearest end, or 0 when it is no number at all)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if 0.0 <= x <= 1.0:
        return x
    return 1.0 if x > 1.0 else 0.0  # NaN fails every comparison: 0


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _stats(scores: np.ndarray, tried: np.ndarray, j: int) -> tuple[ItemStatsOut, np.ndarray]:
    """Return question j's statistics and the rest scores (n,) of the students who tried it."""
    rest = scores.sum(axis=1) - scores[:, j]  # (S,) the other questions, untried ones as 0
    x, y = scores[tried[:, j], j], rest[tried[:, j]]  # (n,), (n,)
    out = ItemStatsOut(
        students=int(x.shape[0]),
        facility=_round(st.facility(x)),
        sd=_round(st.standard_deviation(x)),
        discrimination=_round(st.discrimination_index(x, y)),
        efficiency=_round(st.discriminative_efficiency(x, y)),
    )
    return out, y


def _item(question: Question, j: int, tries: _Tries) -> ItemOut:
    kind = kind_of(question)
    first, rest = _stats(tries.first, tries.tried, j)
    best, _ = _stats(tries.best, tries.tried, j)
    who = np.flatnonzero(tries.tried[:, j])  # (n,) student indices, in the order of `rest`
    picks = [tries.first_picks[j].get(int(i), frozenset()) for i in who]
    options: list[OptionStatsOut] = []
    for o in kind.answer_options(question):
        chose = np.array([o.id in p for p in picks], dtype=np.float64)  # (n,) 1 if picked
        options.append(
            OptionStatsOut(
                id=o.id,
                text=o.text,
                correct=o.correct,
                chosen=int(chose.sum()),
                percent=_round(float(chose.mean())) if chose.size else None,
                correlation=_round(st.discrimination_index(chose, rest)),
                misconception=o.misconception,
            )
        )
    status, reasons = review(first, options)
    return ItemOut(
        id=question.id,
        prompt=question.prompt,
        type_label=kind.label,
        version=question_version(question),
        first=first,
        best=best,
        options=options,
        status=status,
        reasons=reasons,
    )


def review(first: ItemStatsOut, options: Sequence[OptionStatsOut]) -> tuple[Status, list[str]]:
    """Return whether a question needs review, judged on first tries, and why."""
    if first.students < MIN_STUDENTS:
        return "not enough data", []
    reasons: list[str] = []
    f, r = first.facility, first.discrimination
    if f is not None and f > TOO_EASY:
        reasons.append(f"Too easy: facility {f:.3f} is above {TOO_EASY}.")
    if f is not None and f < TOO_HARD:
        reasons.append(f"Too hard: facility {f:.3f} is below {TOO_HARD}.")
    if r is None:
        reasons.append("Discrimination cannot be computed: the scores do not vary.")
    elif r < LOW_DISCRIMINATION:
        reasons.append(
            f"Does not tell students apart: discrimination {r:.3f} is below {LOW_DISCRIMINATION}."
        )
    for o in options:
        if not o.correct and o.correlation is not None and o.correlation > BAD_DISTRACTOR:
            reasons.append(
                f"Wrong option “{o.text}” is picked by stronger students: correlation "
                f"{o.correlation:.3f} is above {BAD_DISTRACTOR}."
            )
    return ("review" if reasons else "ok"), reasons
