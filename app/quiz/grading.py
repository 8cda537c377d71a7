"""Grading of every question type: pure functions of the question and the answer.

No HTTP, no database. `parse_answer` turns what a student sent into a normal form (or raises
MalformedAnswer, which costs no attempt); `grade` marks it. The share of the points earned
on a given try is `points_for_try`, and `question_version` names the grading-relevant content
of a question so that edits to it start a new version.

Answer shapes (JSON):
  single      "option-id"
  multiple    ["option-id", ...] (may be empty)
  true_false  true | false
  numeric     a number, or text as people type it (app/quiz/numbers.py)
  ordering    ["item-id", ...], every item once, first step first
  text        "a short answer"
  engine      [h_1[0], h_1[1], ...], one number per hidden unit (counted from 0)

Partial credit (multiple): credit = max(0, (right picks - wrong picks) / correct options).
Picking every option therefore earns nothing unless right options outnumber wrong ones, and
the answer is correct only when the picks are exactly the correct options.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from app import engine
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
from app.quiz.numbers import NotANumber, read_number

Answer = str | bool | float | list[str] | list[float]
Array = npt.NDArray[np.float64]
MAX_TEXT_ANSWER = 200
FLOAT_SLACK = 1e-9  # so that a tolerance boundary written in decimal counts as inside


class MalformedAnswer(ValueError):
    """The answer does not fit the question; str() says what is expected."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    credit: float  # share of the question earned by this answer, before the try's points
    feedback: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)
    solution: str = ""  # the right answer in words; shown only once the question is finished


# --- policy -----------------------------------------------------------------------------------


def points_for_try(question: Question, number: int) -> float:
    """Return the share of the points on try `number` (1-based); the last entry repeats."""
    points = question.points or [1.0]
    return points[min(number, len(points)) - 1]


def hints_unlocked(question: Question, wrong_tries: int) -> list[str]:
    """Return the hints a student has earned: one more after each wrong try."""
    return list(question.hints[: max(0, wrong_tries)])


def question_version(question: Question) -> str:
    """Return a short hash of what decides the grade, so rewording keeps the version and
    changing the answer key starts a new one."""
    key: dict[str, Any] = {"type": question.type}
    if isinstance(question, SingleQuestion | MultipleQuestion):
        key["options"] = [[o.id, o.correct] for o in question.options]
    elif isinstance(question, TrueFalseQuestion):
        key["answer"] = question.answer
    elif isinstance(question, NumericQuestion):
        key |= {"answer": question.answer, "tol": question.tolerance}
        key["rel"] = question.rel_tolerance
    elif isinstance(question, OrderingQuestion):
        key["items"] = [i.id for i in question.items]
    elif isinstance(question, TextQuestion):
        key |= {"accept": question.accept, "case": question.case_sensitive}
    else:
        key |= {"task": question.task, "H": question.hidden_size, "D": question.input_size}
        key["tol"] = question.tolerance
    canonical = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


# --- parsing ----------------------------------------------------------------------------------


def _number(raw: object, what: str = "a number", *, near: float | None = None) -> float:
    if isinstance(raw, bool):
        raise MalformedAnswer(f"Expected {what}.")
    if isinstance(raw, str):
        try:
            return read_number(raw, near=near)
        except NotANumber as exc:
            raise MalformedAnswer(str(exc)) from None
    if not isinstance(raw, int | float) or not math.isfinite(raw):
        raise MalformedAnswer(f"Expected {what}.")
    return float(raw)


def _ids(raw: object, allowed: list[str], what: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        raise MalformedAnswer(f"Expected a list of {what} ids.")
    unknown = [i for i in raw if i not in allowed]
    if unknown:
        raise MalformedAnswer(f"Unknown {what}: {', '.join(map(str, unknown[:3]))}.")
    if len(set(raw)) != len(raw):
        raise MalformedAnswer(f"Each {what} may appear only once.")
    return list(raw)


def parse_answer(question: Question, raw: object) -> Answer:
    """Return the answer in normal form; raise MalformedAnswer when it does not fit."""
    if isinstance(question, SingleQuestion):
        ids = [o.id for o in question.options]
        if not isinstance(raw, str) or raw not in ids:
            raise MalformedAnswer("Choose one of the options.")
        return raw
    if isinstance(question, MultipleQuestion):
        picked = _ids(raw, [o.id for o in question.options], "option")
        order = [o.id for o in question.options]
        return sorted(picked, key=order.index)
    if isinstance(question, TrueFalseQuestion):
        if isinstance(raw, str) and raw in ("true", "false"):
            return raw == "true"
        if not isinstance(raw, bool):
            raise MalformedAnswer("Answer true or false.")
        return raw
    if isinstance(question, NumericQuestion):
        return _number(raw, near=question.answer)
    if isinstance(question, OrderingQuestion):
        ids = [i.id for i in question.items]
        order = _ids(raw, ids, "item")
        if len(order) != len(ids):
            raise MalformedAnswer("Put every item in the order, each once.")
        return order
    if isinstance(question, TextQuestion):
        if not isinstance(raw, str) or not raw.strip():
            raise MalformedAnswer("Write a short answer.")
        if len(raw) > MAX_TEXT_ANSWER:
            raise MalformedAnswer(f"Keep the answer under {MAX_TEXT_ANSWER} characters.")
        return raw.strip()
    return _engine_answer(question, raw)


def _engine_answer(question: EngineQuestion, raw: object) -> list[float]:
    H = question.hidden_size
    units = " and ".join(f"h₁[{i}]" for i in range(H)) if H <= 4 else f"h₁[0] … h₁[{H - 1}]"
    if not isinstance(raw, list) or len(raw) != H:
        raise MalformedAnswer(
            f"Give {H} number{'s' if H != 1 else ''}, one per hidden unit: {units}."
        )
    values = []
    for i, v in enumerate(raw):
        try:
            # tanh keeps every unit in (-1, 1), so an ambiguous "1,234" means 1.234
            values.append(_number(v, near=0.0))
        except MalformedAnswer as exc:
            raise MalformedAnswer(f"h₁[{i}]: {exc}") from None
    return values


# --- grading ----------------------------------------------------------------------------------


def _close(value: float, target: float, abs_tol: float, rel_tol: float = 0.0) -> bool:
    slack = FLOAT_SLACK * max(1.0, abs(target))
    return abs(value - target) <= max(abs_tol, rel_tol * abs(target)) + slack


def _normalize_text(text: str, case_sensitive: bool) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split()).rstrip(".!")
    return text if case_sensitive else text.casefold()


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def grade(question: Question, answer: Answer, *, variant_key: str = "") -> Grade:
    """Return the grade of a parsed answer. `variant_key` picks an engine question's numbers
    (one student's own variant) and is ignored by the other types."""
    if isinstance(question, SingleQuestion):
        return _grade_single(question, answer)
    if isinstance(question, MultipleQuestion):
        return _grade_multiple(question, answer)
    if isinstance(question, TrueFalseQuestion):
        right = answer is question.answer
        return Grade(
            correct=right,
            credit=float(right),
            feedback=[] if right else [question.feedback],
            misconceptions=[question.misconception] if question.misconception and not right else [],
            solution="True" if question.answer else "False",
        )
    if isinstance(question, NumericQuestion):
        return _grade_numeric(question, answer)
    if isinstance(question, OrderingQuestion):
        return _grade_ordering(question, answer)
    if isinstance(question, TextQuestion):
        assert isinstance(answer, str)
        given = _normalize_text(answer, question.case_sensitive)
        right = any(_normalize_text(a, question.case_sensitive) == given for a in question.accept)
        return Grade(right, float(right), [] if right else [question.feedback],
                     solution=question.accept[0])  # fmt: skip
    return _grade_engine(question, answer, variant_key)


def _grade_single(question: SingleQuestion, answer: Answer) -> Grade:
    chosen = next(o for o in question.options if o.id == answer)
    right = next(o for o in question.options if o.correct)
    return Grade(
        correct=chosen.correct,
        credit=float(chosen.correct),
        feedback=[chosen.feedback] if chosen.feedback else [],
        misconceptions=[chosen.misconception] if chosen.misconception else [],
        solution=right.text,
    )


def _grade_multiple(question: MultipleQuestion, answer: Answer) -> Grade:
    assert isinstance(answer, list)
    picked = set(map(str, answer))
    correct_ids = {o.id for o in question.options if o.correct}
    hits = len(picked & correct_ids)
    wrong = len(picked - correct_ids)
    feedback = [o.feedback for o in question.options if o.id in picked and o.feedback]
    misconceptions = [
        o.misconception
        for o in question.options
        if o.id in picked - correct_ids and o.misconception
    ]
    if hits < len(correct_ids):
        missed = len(correct_ids) - hits
        feedback.append(f"You missed {missed} correct option{'s' if missed != 1 else ''}.")
    return Grade(
        correct=picked == correct_ids,
        credit=max(0.0, (hits - wrong) / len(correct_ids)),
        feedback=feedback,
        misconceptions=misconceptions,
        solution="; ".join(o.text for o in question.options if o.correct),
    )


def _grade_numeric(question: NumericQuestion, answer: Answer) -> Grade:
    assert isinstance(answer, float)
    unit = f" {question.unit}" if question.unit else ""
    solution = f"{_fmt(question.answer)}{unit}"
    if _close(answer, question.answer, question.tolerance, question.rel_tolerance):
        return Grade(True, 1.0, solution=solution)
    for mistake in question.mistakes:
        if _close(answer, mistake.value, question.tolerance, question.rel_tolerance):
            slips = [mistake.misconception] if mistake.misconception else []
            return Grade(False, 0.0, [mistake.feedback], slips, solution=solution)
    return Grade(False, 0.0, [question.feedback], solution=solution)


def _grade_ordering(question: OrderingQuestion, answer: Answer) -> Grade:
    assert isinstance(answer, list)
    ids = [i.id for i in question.items]
    in_place = sum(a == b for a, b in zip(answer, ids, strict=True))
    solution = " → ".join(i.text for i in question.items)
    if in_place == len(ids):
        return Grade(True, 1.0, solution=solution)
    counted = f"{in_place} of {len(ids)} are in the right place."
    return Grade(False, 0.0, [question.feedback, counted], solution=solution)


# --- engine-generated questions ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EngineVariant:
    """One student's numbers for an `rnn_h1` question, and the h_1 they lead to."""

    W_ih: Array  # (H, D)
    b_ih: Array  # (H,)
    W_hh: Array  # (H, H)
    b_hh: Array  # (H,)
    h0: Array  # (H,)
    x1: Array  # (D,)

    def preactivation(self, *, with_h0: bool = True, with_bias: bool = True) -> Array:
        a: Array = self.W_ih @ self.x1  # (H,)
        if with_h0:
            a = a + self.W_hh @ self.h0
        if with_bias:
            a = a + self.b_ih + self.b_hh
        return a

    @property
    def h1(self) -> Array:
        """h_1 = tanh(W_ih x_1 + b_ih + W_hh h_0 + b_hh), shape (H,), run by the engine."""
        params = {"weight_ih": self.W_ih, "weight_hh": self.W_hh,
                  "bias_ih": self.b_ih, "bias_hh": self.b_hh}  # fmt: skip
        h1: Array = engine.forward("rnn", params, self.x1[None, :], self.h0).h[0]
        return h1

    def given(self) -> list[tuple[str, list[list[float]]]]:
        """Return the numbers a student is shown, each as rows (vectors as one column)."""

        def rows(a: Array) -> list[list[float]]:
            return [[float(v) for v in r] for r in (a if a.ndim == 2 else a[:, None])]

        named = [("W_ih", self.W_ih), ("b_ih", self.b_ih), ("W_hh", self.W_hh)]
        named += [("b_hh", self.b_hh), ("h_0", self.h0), ("x_1", self.x1)]
        return [(name, rows(a)) for name, a in named]


def engine_variant(question: EngineQuestion, variant_key: str) -> EngineVariant:
    """Return the student's own numbers: drawn from a seed hashed from (question, student),
    so each student keeps the same variant on every visit and from every server."""
    digest = hashlib.sha256(f"parade-engine:{question.id}:{variant_key}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    H, D = question.hidden_size, question.input_size

    def tenths(*shape: int) -> Array:
        # One decimal place, so that the sums can be done by hand.
        return rng.integers(-9, 10, size=shape).astype(np.float64) / 10

    W_ih, b_ih, W_hh, b_hh, h0 = tenths(H, D), tenths(H), tenths(H, H), tenths(H), tenths(H)
    x1 = rng.integers(-2, 3, size=D).astype(np.float64)  # (D,)
    if not x1.any():
        x1[0] = 1.0  # an all-zero input would leave W_ih out of the sum
    return EngineVariant(W_ih=W_ih, b_ih=b_ih, W_hh=W_hh, b_hh=b_hh, h0=h0, x1=x1)


_ENGINE_SLIPS = (
    ({"with_h0": True, "with_bias": True, "squash": False},
     "That is the pre-activation a_1: apply tanh to it to get h_1.",
     "Forgetting the tanh: the hidden state is the squashed sum, not the sum."),
    ({"with_h0": False, "with_bias": True, "squash": True},
     "The previous hidden state is missing: add W_hh h_0.",
     "Leaving out the recurrent term W_hh h_0, so the network has no memory."),
    ({"with_h0": True, "with_bias": False, "squash": True},
     "The biases are missing: add b_ih and b_hh.",
     "Leaving out the biases b_ih and b_hh."),
)  # fmt: skip


def _grade_engine(question: EngineQuestion, answer: Answer, variant_key: str) -> Grade:
    assert isinstance(answer, list)
    variant = engine_variant(question, variant_key)
    given = np.asarray(answer, dtype=np.float64)
    h1 = variant.h1
    solution = "h_1 = [" + ", ".join(f"{v:.4f}" for v in h1) + "]"

    def matches(target: Array) -> bool:
        return all(
            _close(float(g), float(t), question.tolerance)
            for g, t in zip(given, target, strict=True)
        )

    if matches(h1):
        return Grade(True, 1.0, solution=solution)
    for how, feedback, slip in _ENGINE_SLIPS:
        a = variant.preactivation(with_h0=how["with_h0"], with_bias=how["with_bias"])
        if matches(np.tanh(a) if how["squash"] else a):
            return Grade(False, 0.0, [feedback], [slip], solution=solution)
    return Grade(False, 0.0, [question.feedback], solution=solution)
