"""Item analysis: the formulas against hand-computed values and NumPy, and a seeded class's
statistics, from stored tries (nothing re-graded), against NumPy on the same matrices."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.content.store import load_source
from app.db.database import Database
from app.db.models import Attempt, User, utcnow
from app.instructor import itemstats as st
from app.instructor.items import (
    BAD_DISTRACTOR,
    MIN_STUDENTS,
    ItemAnalysisOut,
    ItemOut,
    item_analysis,
)
from app.quiz.grading import question_version


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


# --- the formulas ------------------------------------------------------------------------------


def test_a_hand_computed_item() -> None:
    # x: two of four right; y: rest scores 3, 2, 1, 0. By hand: x̄ = 1/2, ȳ = 3/2,
    # Σ dx·dy = .75 - .25 - .25 + .75 = 1, so C = 1/3; Σ dx² = 1, Σ dy² = 5, so
    # r = (1/3) / sqrt(1/3 · 5/3) = 1/√5. Sorted, x = 0 0 1 1 against y = 0 1 2 3:
    # Σ = .75 + .25 + .25 + .75 = 2, C_max = 2/3, DE = 1/2.
    x, y = arr(1, 0, 1, 0), arr(3, 2, 1, 0)
    assert st.facility(x) == 0.5
    assert st.standard_deviation(x) == pytest.approx(math.sqrt(1 / 3))
    assert st.covariance(x, y) == pytest.approx(1 / 3)
    assert st.max_covariance(x, y) == pytest.approx(2 / 3)
    assert st.discrimination_index(x, y) == pytest.approx(1 / math.sqrt(5))
    assert st.discriminative_efficiency(x, y) == pytest.approx(0.5)


def test_formulas_agree_with_numpy() -> None:
    rng = np.random.default_rng(7)
    x = rng.choice([0.0, 0.25, 0.5, 1.0], size=40)
    y = rng.normal(10, 3, size=40) + 4 * x
    assert st.facility(x) == pytest.approx(x.mean())
    assert st.standard_deviation(x) == pytest.approx(np.std(x, ddof=1))
    assert st.covariance(x, y) == pytest.approx(np.cov(x, y)[0, 1])
    assert st.discrimination_index(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1])


def test_max_covariance_is_the_largest_over_every_pairing() -> None:
    # The rearrangement inequality, checked by brute force over all 720 pairings.
    x, y = arr(1, 0, 0.5, 1, 0, 0.25), arr(4, 1, 2, 2, 0, 5)
    brute = max(np.cov(x, np.array(p))[0, 1] for p in itertools.permutations(y))
    assert st.max_covariance(x, y) == pytest.approx(brute)
    de = st.discriminative_efficiency(x, y)
    assert de is not None and de == pytest.approx(np.cov(x, y)[0, 1] / brute)
    assert de < 1
    # Already paired in rank order: the most it can be.
    assert st.discriminative_efficiency(np.sort(x), np.sort(y)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("x", "y"),
    [(arr(), arr()), (arr(1), arr(3)), (arr(0, 1), arr(1, 0))],
    ids=["n=0", "n=1", "n=2"],
)
def test_too_few_students_give_none(x: np.ndarray, y: np.ndarray) -> None:
    n = x.shape[0]
    assert (st.facility(x) is None) == (n == 0)
    assert (st.standard_deviation(x) is None) == (n < 2)
    assert st.discrimination_index(x, y) is None  # two points always correlate ±1
    assert st.discriminative_efficiency(x, y) is None


@pytest.mark.parametrize(
    ("x", "y"),
    [(arr(1, 1, 1, 1), arr(0, 1, 2, 3)), (arr(0, 1, 0, 1), arr(2, 2, 2, 2))],
    ids=["constant item", "constant rest"],
)
def test_constant_scores_give_none_not_nan(x: np.ndarray, y: np.ndarray) -> None:
    assert st.discrimination_index(x, y) is None
    assert st.discriminative_efficiency(x, y) is None
    sd = st.standard_deviation(x)
    assert sd is not None and math.isfinite(sd)


def test_rounding_noise_counts_as_constant() -> None:
    x = np.full(5, 0.1) * 3  # 0.30000000000000004, all equal
    assert st.discrimination_index(x, arr(0, 1, 2, 3, 4)) is None


# --- a seeded class, through the database ------------------------------------------------------


@pytest.fixture
def quizzy(quiz_lessons: Path) -> Lesson:
    return load_source(quiz_lessons / "quizzy")


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session(write=True) as s:
        yield s


def add_user(s: Session, name: str, role: str = "student") -> int:
    user = User(username=name, password_hash="x", role=role)
    s.add(user)
    s.flush()
    return user.id


def add_try(
    s: Session, lesson: Lesson, user: int, qid: str, number: int, score: float, answer: object
) -> None:
    q = lesson.question(qid)
    assert q is not None
    s.add(
        Attempt(
            user_id=user,
            lesson_slug=lesson.slug,
            question_id=qid,
            question_version=question_version(q),
            number=number,
            answer=answer,
            score=score,
            correct=score == 1.0,
            created_at=utcnow(),
        )
    )


SINGLE = {"hidden": 1.0, "weights": 0.0}  # option -> first-try score


def seed_class(s: Session, lesson: Lesson, students: int, seed: int = 1) -> dict[str, object]:
    """Insert a synthetic class; return what was stored, as matrices for NumPy to check."""
    rng = np.random.default_rng(seed)
    qids = [q.id for q in lesson.questions]
    ability = rng.normal(size=students)
    first = np.zeros((students, len(qids)))
    best = np.zeros((students, len(qids)))
    tried = np.zeros((students, len(qids)), dtype=bool)
    single_picks: list[str] = []
    for i in range(students):
        user = add_user(s, f"s{i}")
        for j, qid in enumerate(qids):
            if rng.random() < 0.15:
                continue  # skipped: counts 0 in others' rest scores
            tried[i, j] = True
            right = rng.random() < 1 / (1 + np.exp(-(ability[i] + 0.5 - 0.2 * j)))
            if qid == "single":
                pick = "hidden" if right else "weights"
                single_picks.append(pick)
                add_try(s, lesson, user, qid, 1, SINGLE[pick], pick)
            elif qid == "tf":
                add_try(s, lesson, user, qid, 1, float(right), not right)  # the key is false
            else:
                add_try(s, lesson, user, qid, 1, float(right), "stored as given")
            first[i, j] = best[i, j] = float(right)
            if not right:  # a second try, right for half of them, at half points
                again = rng.random() < 0.5
                answer = "hidden" if qid == "single" and again else "weights"
                second = 0.5 if again else 0.0
                add_try(s, lesson, user, qid, 2, second, answer if qid == "single" else None)
                best[i, j] = second
    s.commit()
    return {"first": first, "best": best, "tried": tried, "qids": qids, "picks": single_picks}


def expected(scores: np.ndarray, tried: np.ndarray, j: int) -> dict[str, float]:
    rest = scores.sum(axis=1) - scores[:, j]
    x, y = scores[tried[:, j], j], rest[tried[:, j]]
    return {
        "facility": x.mean(),
        "sd": np.std(x, ddof=1),
        "discrimination": np.corrcoef(x, y)[0, 1],
        "efficiency": np.cov(x, y)[0, 1] / np.cov(np.sort(x), np.sort(y))[0, 1],
    }


def item(out: ItemAnalysisOut, qid: str) -> ItemOut:
    return next(i for i in out.items if i.id == qid)


def test_seeded_class_statistics_match_numpy(session: Session, quizzy: Lesson) -> None:
    seeded = seed_class(session, quizzy, students=60)
    # Guests' and instructors' tries, and tries at an older version, must change nothing.
    guest, teacher = add_user(session, "guest-1", "guest"), add_user(session, "teach", "instructor")
    for who in (guest, teacher):
        for q in quizzy.questions:
            add_try(session, quizzy, who, q.id, 1, 1.0, "hidden")
    session.add(
        Attempt(
            user_id=1,
            lesson_slug="quizzy",
            question_id="single",
            question_version="old-version",
            number=1,
            answer="weights",
            score=0.0,
            correct=False,
            created_at=utcnow(),
        )
    )
    session.commit()
    out = item_analysis(session, lesson=quizzy)
    first, best, tried = seeded["first"], seeded["best"], seeded["tried"]
    assert isinstance(first, np.ndarray) and isinstance(best, np.ndarray)
    assert isinstance(tried, np.ndarray)
    assert out.students == int(tried.any(axis=1).sum())
    for j, qid in enumerate(seeded["qids"]):  # type: ignore[arg-type]
        got = item(out, qid)
        assert got.first.students == got.best.students == int(tried[:, j].sum())
        for side, scores in (("first", first), ("best", best)):
            stats = getattr(got, side)
            for name, value in expected(scores, tried, j).items():
                assert getattr(stats, name) == pytest.approx(value, abs=1e-4), (qid, side, name)
    # The best try is never below the first.
    for got in out.items:
        assert got.best.facility is not None and got.first.facility is not None
        assert got.best.facility >= got.first.facility


def test_option_counts_and_distractor_correlations(session: Session, quizzy: Lesson) -> None:
    seeded = seed_class(session, quizzy, students=50, seed=3)
    out = item_analysis(session, lesson=quizzy)
    first, tried = seeded["first"], seeded["tried"]
    assert isinstance(first, np.ndarray) and isinstance(tried, np.ndarray)
    j = seeded["qids"].index("single")  # type: ignore[attr-defined]
    rest = (first.sum(axis=1) - first[:, j])[tried[:, j]]
    picks = np.array(seeded["picks"])
    single = item(out, "single")
    by_id = {o.id: o for o in single.options}
    for option in ("hidden", "weights"):
        chose = (picks == option).astype(float)
        assert by_id[option].chosen == int(chose.sum())
        assert by_id[option].percent == pytest.approx(chose.mean(), abs=1e-4)
        assert by_id[option].correlation == pytest.approx(np.corrcoef(chose, rest)[0, 1], abs=1e-4)
    # With one right option, picking the wrong one is exactly "not right": r = -r_item.
    assert by_id["weights"].correlation == pytest.approx(-by_id["hidden"].correlation, abs=1e-4)
    assert by_id["weights"].misconception == "SECRET-single-misconception"
    # True/false has options too; numeric has none.
    assert [o.id for o in item(out, "tf").options] == ["true", "false"]
    assert item(out, "num").options == []


def test_flags_need_enough_students_and_name_their_reasons(
    session: Session, quizzy: Lesson
) -> None:
    # MIN_STUDENTS - 1 students: no flag whatever the numbers.
    users = [add_user(session, f"s{i}") for i in range(MIN_STUDENTS + 2)]
    for u in users[: MIN_STUDENTS - 1]:
        add_try(session, quizzy, u, "tf", 1, 1.0, False)
    session.commit()
    assert item(item_analysis(session, lesson=quizzy), "tf").status == "not enough data"
    # Strong students (right on "multi") pick the wrong option "weights" on "single".
    for k, u in enumerate(users):
        strong = k % 2 == 0
        add_try(session, quizzy, u, "multi", 1, float(strong), ["input", "forget"])
        pick = "weights" if strong else "hidden"
        add_try(session, quizzy, u, "single", 1, SINGLE[pick], pick)
    session.commit()
    out = item_analysis(session, lesson=quizzy)
    single = item(out, "single")
    assert single.status == "review"
    text = " ".join(single.reasons)
    assert "The weights" in text and str(BAD_DISTRACTOR) in text
    assert "Does not tell students apart" in text  # right answers by the weak: r < 0
    tf = item(out, "tf")  # everyone right: facility 1, no spread
    assert tf.status == "not enough data"  # still only MIN_STUDENTS - 1 tried it
    assert json.loads(out.model_dump_json())  # no NaN could be serialized


def test_too_easy_and_constant_scores_are_flagged_without_nan(
    session: Session, quizzy: Lesson
) -> None:
    for i in range(MIN_STUDENTS):
        u = add_user(session, f"s{i}")
        add_try(session, quizzy, u, "tf", 1, 1.0, False)
        add_try(session, quizzy, u, "num", 1, float(i % 3 == 0), 1)
    session.commit()
    out = item_analysis(session, lesson=quizzy)
    tf = item(out, "tf")
    assert tf.status == "review"
    assert tf.first.facility == 1.0 and tf.first.sd == 0.0
    assert tf.first.discrimination is None and tf.first.efficiency is None
    assert any(r.startswith("Too easy") for r in tf.reasons)
    body = out.model_dump_json()
    assert "NaN" not in body and "Infinity" not in body


def test_an_empty_class(session: Session, quizzy: Lesson) -> None:
    out = item_analysis(session, lesson=quizzy)
    assert out.students == 0
    for got in out.items:
        assert got.status == "not enough data"
        assert got.first.students == 0 and got.first.facility is None
        assert all(o.chosen == 0 and o.percent is None for o in got.options)
    assert out.misconceptions == []


def test_misconceptions_count_students_in_any_try(session: Session, quizzy: Lesson) -> None:
    a, b, c = (add_user(session, n) for n in ("a", "b", "c"))
    add_try(session, quizzy, a, "single", 1, 0.0, "weights")
    add_try(session, quizzy, a, "single", 2, 0.0, "weights")  # the same student: once
    add_try(session, quizzy, b, "single", 1, 1.0, "hidden")
    add_try(session, quizzy, c, "single", 1, 0.0, "hidden")
    add_try(session, quizzy, c, "single", 2, 0.0, "weights")  # on a later try: counted
    session.commit()
    out = item_analysis(session, lesson=quizzy)
    assert [(m.text, m.students, m.questions) for m in out.misconceptions] == [
        ("SECRET-single-misconception", 2, ["single"])
    ]
