"""Class statistics for instructors: what the class got wrong, and how it argued.

Every function takes the session first and the rest by keyword.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import (
    EngineQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    SingleQuestion,
    TextQuestion,
    TrueFalseQuestion,
)
from app.db.models import Attempt, DilemmaResponse
from app.quiz.attempts import variant_key
from app.quiz.grading import (
    MalformedAnswer,
    grade,
    parse_answer,
    question_version,
)


@dataclass(frozen=True)
class WrongAnswer:
    """One wrong answer the class gave, and the misconceptions the quiz's author tied to it."""

    answer: str  # in words: option texts, a number, an order; for engine questions the slip
    count: int  # tries that gave it
    misconceptions: list[str]


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    prompt: str
    type: str
    version: str
    attempts: int
    students: int
    percent_correct: float  # of attempts
    first_try_correct: float  # share of students right on their first try
    mean_score: float  # students' best scores, averaged over those who tried (0..1)
    common_wrong: list[WrongAnswer]  # most given first


@dataclass(frozen=True)
class Reason:
    """A student's written reason, with the option of that (latest) response."""

    choice: str  # the option's text
    text: str


@dataclass(frozen=True)
class DilemmaStats:
    dilemma_id: str
    title: str
    choices: list[tuple[str, int]]  # option text, students choosing it (latest response)
    changed_mind: int = 0  # students whose latest choice differs from their first
    reasons: list[Reason] = field(default_factory=list)  # the latest few, newest first
    reason_count: int = 0  # students whose latest response gives a reason

    @property
    def students(self) -> int:
        return sum(n for _, n in self.choices)


COMMON_WRONG = 3
OTHER_ENGINE_SLIP = "A value that matches no common slip"


def _answer_label(question: Question, answer: Any) -> str:
    if isinstance(question, SingleQuestion | MultipleQuestion):
        texts = {o.id: o.text for o in question.options}
        picked = answer if isinstance(answer, list) else [answer]
        return "; ".join(texts.get(str(a), str(a)) for a in picked) or "(nothing)"
    if isinstance(question, TrueFalseQuestion):
        return "True" if answer else "False"
    if isinstance(question, OrderingQuestion):
        texts = {i.id: i.text for i in question.items}
        return " → ".join(texts.get(str(a), str(a)) for a in answer)
    if isinstance(question, NumericQuestion) and isinstance(answer, int | float):
        return f"{answer:.6g}"
    if isinstance(question, TextQuestion) and isinstance(answer, str):
        return answer if question.case_sensitive else answer.casefold()
    return json.dumps(answer) if not isinstance(answer, str) else answer


def _diagnose(question: Question, answer: Any, user_id: int) -> tuple[str, list[str]]:
    """Return how to name a wrong answer in the class overview, and its misconceptions.

    Engine questions give every student other numbers, so their wrong answers are grouped
    by the slip the grader recognizes rather than by value."""
    try:
        g = grade(question, parse_answer(question, answer), variant_key=variant_key(user_id))
    except MalformedAnswer:
        return _answer_label(question, answer), []
    if isinstance(question, EngineQuestion):
        return (g.misconceptions[0] if g.misconceptions else OTHER_ENGINE_SLIP), []
    return _answer_label(question, answer), g.misconceptions


def _common_wrong(question: Question, rows: Sequence[Any]) -> list[WrongAnswer]:
    counts: Counter[str] = Counter()
    slips: dict[str, list[str]] = {}
    seen: dict[str, tuple[str, list[str]]] = {}  # the same answer is graded once
    for r in rows:
        if r.correct:
            continue
        key = json.dumps(r.answer, sort_keys=True)
        if isinstance(question, EngineQuestion):
            key = f"{r.user_id}:{key}"
        if key not in seen:
            seen[key] = _diagnose(question, r.answer, r.user_id)
        label, misconceptions = seen[key]
        counts[label] += 1
        slips.setdefault(label, misconceptions)
    return [WrongAnswer(a, n, slips[a]) for a, n in counts.most_common(COMMON_WRONG)]


def question_stats(session: Session, *, lesson: Lesson) -> list[QuestionStats]:
    """Return per-question statistics over every student (current versions only)."""
    rows = session.execute(
        select(
            Attempt.question_id,
            Attempt.question_version,
            Attempt.user_id,
            Attempt.number,
            Attempt.correct,
            Attempt.score,
            Attempt.answer,
        ).where(Attempt.lesson_slug == lesson.slug)
    ).all()
    by_question: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        by_question.setdefault((r.question_id, r.question_version), []).append(r)
    out: list[QuestionStats] = []
    for q in lesson.questions:
        version = question_version(q)
        tries = by_question.get((q.id, version), [])
        best: dict[int, float] = {}
        for r in tries:
            best[r.user_id] = max(best.get(r.user_id, 0.0), r.score)
        first_right = {r.user_id for r in tries if r.number == 1 and r.correct}
        out.append(
            QuestionStats(
                question_id=q.id,
                prompt=q.prompt,
                type=q.type,
                version=version,
                attempts=len(tries),
                students=len(best),
                percent_correct=_percent(sum(r.correct for r in tries), len(tries)),
                first_try_correct=_percent(len(first_right), len(best)),
                mean_score=round(sum(best.values()) / len(best), 4) if best else 0.0,
                common_wrong=_common_wrong(q, tries),
            )
        )
    return out


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


LATEST_REASONS = 5


def class_size(session: Session, *, lesson: Lesson) -> int:
    """Return how many students answered anything in `lesson`: a question or a dilemma."""
    tried = select(Attempt.user_id).where(Attempt.lesson_slug == lesson.slug)
    responded = select(DilemmaResponse.user_id).where(DilemmaResponse.lesson_slug == lesson.slug)
    students = tried.union(responded).subquery()
    return session.scalar(select(func.count()).select_from(students)) or 0


def dilemma_stats(session: Session, *, lesson: Lesson) -> list[DilemmaStats]:
    """Return, per dilemma, how many students' latest response chose each option, how many
    changed their mind after reading the commentary (first choice differs from the latest),
    and the latest written reasons."""
    rows = session.execute(
        select(
            DilemmaResponse.dilemma_id,
            DilemmaResponse.user_id,
            DilemmaResponse.choice,
            DilemmaResponse.reason,
        )
        .where(DilemmaResponse.lesson_slug == lesson.slug)
        .order_by(DilemmaResponse.id)
    ).all()
    first: dict[tuple[str, int], str] = {}
    latest: dict[tuple[str, int], tuple[int, str, str]] = {}  # -> (order, choice, reason)
    for order, r in enumerate(rows):
        first.setdefault((r.dilemma_id, r.user_id), r.choice)
        latest[(r.dilemma_id, r.user_id)] = (order, r.choice, r.reason)
    out: list[DilemmaStats] = []
    for d in lesson.dilemmas:
        texts = {o.id: o.text for o in d.options}
        mine = {
            user: answer
            for (did, user), answer in latest.items()
            if did == d.id and answer[1] in texts  # options removed since are not counted
        }
        counts = Counter(choice for _, choice, _ in mine.values())
        reasoned = sorted((a for a in mine.values() if a[2].strip()), reverse=True)
        out.append(
            DilemmaStats(
                dilemma_id=d.id,
                title=d.title,
                choices=[(o.text, counts[o.id]) for o in d.options],
                changed_mind=sum(first[(d.id, user)] != a[1] for user, a in mine.items()),
                reasons=[Reason(texts[c], text) for _, c, text in reasoned[:LATEST_REASONS]],
                reason_count=len(reasoned),
            )
        )
    return out
