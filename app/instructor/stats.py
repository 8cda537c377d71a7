"""Class statistics for instructors: what the class got wrong, and how it argued. Only
students count: guests' tries are no one's score, and instructors trying their own questions
are not the class. Reasons an instructor hid are left out of the overview (the discussion
page lists them, marked).

Every function takes the session first and the rest by keyword; each returns the models the
JSON API serializes and the class overview renders.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.schema import Question
from app.db.models import STUDENT, Attempt, DilemmaResponse, User
from app.plaintext import printable
from app.quiz.errors import MalformedAnswer
from app.quiz.grading import grade, parse_answer, question_version
from app.quiz.kinds import kind_of
from app.quiz.variants import variant_key

COMMON_WRONG = 3
LATEST_REASONS = 5


class WrongAnswerOut(BaseModel):
    """One wrong answer the class gave, and the misconceptions the quiz's author tied to it."""

    answer: str  # in words: option texts, a number, an order; for engine questions the slip
    count: int  # tries that gave it
    misconceptions: list[str]


class QuestionStatsOut(BaseModel):
    id: str
    prompt: str
    type: str
    type_label: str  # e.g. "single choice"
    version: str
    attempts: int
    students: int
    percent_correct: float  # of attempts
    first_try_correct: float  # share of students right on their first try, in percent
    mean_score: float  # students' best scores, averaged over those who tried (0..1)
    common_wrong: list[WrongAnswerOut]  # most given first


class ChoiceCountOut(BaseModel):
    text: str
    count: int
    percent: float  # of the students who responded


class ReasonOut(BaseModel):
    choice: str  # the option's text
    text: str


class DilemmaStatsOut(BaseModel):
    id: str
    title: str
    students: int
    choices: list[ChoiceCountOut]
    changed_mind: int  # students whose latest choice differs from their first
    reasons: list[ReasonOut]  # the latest few written reasons, newest first
    reason_count: int  # students whose latest response gives a reason


class LessonStatsOut(BaseModel):
    slug: str
    title: str
    students: int  # who answered anything in the lesson: a question or a dilemma
    questions: list[QuestionStatsOut]
    dilemmas: list[DilemmaStatsOut]


def lesson_stats(session: Session, *, lesson: Lesson) -> LessonStatsOut:
    """Return the class statistics of one lesson."""
    return LessonStatsOut(
        slug=lesson.slug,
        title=lesson.title,
        students=class_size(session, lesson=lesson),
        questions=question_stats(session, lesson=lesson),
        dilemmas=dilemma_stats(session, lesson=lesson),
    )


def _diagnose(question: Question, answer: Any, user_id: int) -> tuple[str, list[str]]:
    """Return how to name a wrong answer in the class overview, and its misconceptions."""
    kind = kind_of(question)
    try:
        parsed = parse_answer(question, answer)
    except MalformedAnswer:
        return (answer if isinstance(answer, str) else json.dumps(answer)[:200]), []
    g = grade(question, parsed, variant_key=variant_key(user_id))
    label, misconceptions = kind.wrong_answer(question, parsed, g)
    return label, misconceptions


def _common_wrong(question: Question, rows: Sequence[Any]) -> list[WrongAnswerOut]:
    per_student = kind_of(question).groups_wrong_answers_per_student
    counts: Counter[str] = Counter()
    slips: dict[str, list[str]] = {}
    seen: dict[str, tuple[str, list[str]]] = {}  # the same answer is graded once
    for r in rows:
        if r.correct:
            continue
        key = json.dumps(r.answer, sort_keys=True)
        if per_student:
            key = f"{r.user_id}:{key}"
        if key not in seen:
            seen[key] = _diagnose(question, r.answer, r.user_id)
        label, misconceptions = seen[key]
        counts[label] += 1
        slips.setdefault(label, misconceptions)
    return [
        WrongAnswerOut(answer=printable(a), count=n, misconceptions=slips[a])
        for a, n in counts.most_common(COMMON_WRONG)
    ]


def question_stats(session: Session, *, lesson: Lesson) -> list[QuestionStatsOut]:
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
        )
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.lesson_slug == lesson.slug, User.role == STUDENT)
    ).all()
    by_question: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        by_question.setdefault((r.question_id, r.question_version), []).append(r)
    out: list[QuestionStatsOut] = []
    for q in lesson.questions:
        version = question_version(q)
        tries = by_question.get((q.id, version), [])
        best: dict[int, float] = {}
        for r in tries:
            best[r.user_id] = max(best.get(r.user_id, 0.0), r.score)
        first_right = {r.user_id for r in tries if r.number == 1 and r.correct}
        out.append(
            QuestionStatsOut(
                id=q.id,
                prompt=q.prompt,
                type=q.type,
                type_label=kind_of(q).label,
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


def class_size(session: Session, *, lesson: Lesson) -> int:
    """Return how many students answered anything in `lesson`: a question or a dilemma."""
    tried = (
        select(Attempt.user_id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.lesson_slug == lesson.slug, User.role == STUDENT)
    )
    responded = (
        select(DilemmaResponse.user_id)
        .join(User, User.id == DilemmaResponse.user_id)
        .where(DilemmaResponse.lesson_slug == lesson.slug, User.role == STUDENT)
    )
    students = tried.union(responded).subquery()
    return session.scalar(select(func.count()).select_from(students)) or 0


def dilemma_stats(session: Session, *, lesson: Lesson) -> list[DilemmaStatsOut]:
    """Return, per dilemma, how many students' latest response chose each option, how many
    changed their mind after reading the commentary (first choice differs from the latest),
    and the latest written reasons."""
    rows = session.execute(
        select(
            DilemmaResponse.dilemma_id,
            DilemmaResponse.user_id,
            DilemmaResponse.choice,
            DilemmaResponse.reason,
            DilemmaResponse.hidden_at,
        )
        .join(User, User.id == DilemmaResponse.user_id)
        .where(DilemmaResponse.lesson_slug == lesson.slug, User.role == STUDENT)
        .order_by(DilemmaResponse.id)
    ).all()
    first: dict[tuple[str, int], str] = {}
    latest: dict[tuple[str, int], tuple[int, str, str]] = {}  # -> (order, choice, reason)
    for order, r in enumerate(rows):
        first.setdefault((r.dilemma_id, r.user_id), r.choice)
        reason = "" if r.hidden_at is not None else r.reason  # hidden: not shown again
        latest[(r.dilemma_id, r.user_id)] = (order, r.choice, reason)
    out: list[DilemmaStatsOut] = []
    for d in lesson.dilemmas:
        texts = {o.id: o.text for o in d.options}
        mine = {
            user: answer
            for (did, user), answer in latest.items()
            if did == d.id and answer[1] in texts  # options removed since are not counted
        }
        counts = Counter(choice for _, choice, _ in mine.values())
        reasoned = sorted((a for a in mine.values() if a[2].strip()), reverse=True)
        whole = len(mine)
        out.append(
            DilemmaStatsOut(
                id=d.id,
                title=d.title,
                students=whole,
                choices=[
                    ChoiceCountOut(
                        text=o.text, count=counts[o.id], percent=_percent(counts[o.id], whole)
                    )
                    for o in d.options
                ],
                changed_mind=sum(first[(d.id, user)] != a[1] for user, a in mine.items()),
                reasons=[
                    ReasonOut(choice=texts[c], text=printable(text))
                    for _, c, text in reasoned[:LATEST_REASONS]
                ],
                reason_count=len(reasoned),
            )
        )
    return out
