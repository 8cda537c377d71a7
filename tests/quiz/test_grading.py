"""Grading of every question type, right and wrong, with the edge cases of each."""

from __future__ import annotations

from typing import TypeVar, get_args

import numpy as np
import pytest
import yaml
from db_fixtures import QUIZ_YAML, RIGHT_ANSWERS, WRONG_ANSWERS
from pydantic import BaseModel, TypeAdapter

from app import engine
from app.content.schema import (
    EngineQuestion,
    NumericQuestion,
    Question,
    SingleQuestion,
    TextQuestion,
)
from app.quiz.attempts import QuestionState, attempt_result
from app.quiz.errors import MalformedAnswer
from app.quiz.grading import (
    grade,
    hints_unlocked,
    parse_answer,
    points_for_try,
    question_version,
)
from app.quiz.kinds.choice import SOME_WRONG
from app.quiz.variants import engine_variant

Q = TypeVar("Q", bound=BaseModel)

QUESTIONS: dict[str, Question] = {
    q["id"]: TypeAdapter(Question).validate_python(q)
    for q in yaml.safe_load(QUIZ_YAML)["questions"]
}


def q_of(kind: type[Q], **fields: object) -> Q:
    base: dict[str, object] = {"id": "q", "prompt": "P?", "explanation": "E."}
    return kind.model_validate(base | fields)


def check(question: Question, raw: object, key: str = "") -> tuple[bool, float, list[str]]:
    g = grade(question, parse_answer(question, raw), variant_key=key)
    return g.correct, g.credit, g.feedback


@pytest.mark.parametrize("qid", sorted(RIGHT_ANSWERS))
def test_every_type_right(qid: str) -> None:
    correct, credit, _ = check(QUESTIONS[qid], RIGHT_ANSWERS[qid])
    assert correct and credit == 1.0


@pytest.mark.parametrize("qid", sorted(WRONG_ANSWERS))
def test_every_type_wrong(qid: str) -> None:
    correct, credit, feedback = check(QUESTIONS[qid], WRONG_ANSWERS[qid], key="user:1")
    assert not correct and credit == 0.0
    assert feedback, "a wrong answer always gets feedback"


def test_single_gives_the_chosen_options_feedback_and_misconception() -> None:
    g = grade(QUESTIONS["single"], "weights")
    assert g.feedback == ["SECRET-single-feedback"]
    assert g.misconceptions == ["SECRET-single-misconception"]
    assert g.solution == "The hidden state"


@pytest.mark.parametrize(
    ("picked", "credit", "correct"),
    [
        (["input", "forget"], 1.0, True),
        (["input"], 0.5, False),  # one of two right, nothing wrong
        (["input", "reset"], 0.0, False),  # one right, one wrong: (1 - 1) / 2
        (["input", "forget", "reset"], 0.5, False),  # (2 - 1) / 2
        (["input", "forget", "reset", "update"], 0.0, False),  # ticking everything pays nothing
        ([], 0.0, False),
        (["reset", "update"], 0.0, False),  # floored at zero, never negative
    ],
)
def test_multiple_partial_credit(picked: list[str], credit: float, correct: bool) -> None:
    g = grade(QUESTIONS["multi"], parse_answer(QUESTIONS["multi"], picked))
    assert (g.correct, g.credit) == (correct, credit)


def test_multiple_names_wrong_picks_only_once_finished() -> None:
    """Ticking every option on try 1 must not show which ones are wrong (the key)."""
    q = QUESTIONS["multi"]
    everything = grade(q, ["input", "forget", "reset", "update"])
    assert everything.feedback == [SOME_WRONG] and everything.misconceptions == []
    first = attempt_result(q, everything, QuestionState(q), kept=True)
    assert first.feedback == [SOME_WRONG] and first.solution is None
    assert not any("SECRET" in f for f in first.feedback + first.misconceptions)
    g = grade(q, ["input", "reset"])
    assert "SECRET-multi-feedback-reset" in g.finished_feedback
    assert "You missed 1 correct option." in g.finished_feedback
    last = attempt_result(q, g, QuestionState(q, tries=2, wrong_tries=2), kept=True)
    assert last.finished and "SECRET-multi-feedback-reset" in last.feedback
    assert last.solution == "Input gate; Forget gate"


def test_true_false_accepts_json_booleans_and_form_strings() -> None:
    tf = QUESTIONS["tf"]
    assert parse_answer(tf, "false") is False
    assert parse_answer(tf, False) is False
    for bad in ("no", 0, None, [False]):
        with pytest.raises(MalformedAnswer):
            parse_answer(tf, bad)


@pytest.mark.parametrize(
    ("value", "correct"),
    [(1.0, True), (1.1, True), (0.9, True), (1.1000001, False), (0.8999999, False)],
)
def test_numeric_absolute_tolerance_boundary_is_inclusive(value: float, correct: bool) -> None:
    q = q_of(NumericQuestion, type="numeric", answer=1.0, tolerance=0.1, feedback="F.")
    assert check(q, value)[0] is correct


@pytest.mark.parametrize(
    ("value", "correct"), [(1000, True), (1010, True), (990, True), (1010.01, False)]
)
def test_numeric_relative_tolerance(value: float, correct: bool) -> None:
    q = q_of(NumericQuestion, type="numeric", answer=1000, rel_tolerance=0.01, feedback="F.")
    assert check(q, value)[0] is correct


def test_numeric_known_mistake_gets_its_own_feedback() -> None:
    assert check(QUESTIONS["num"], 620)[2] == ["SECRET-num-mistake-one-bias"]
    assert check(QUESTIONS["num"], 621)[2] == ["SECRET-num-feedback"]


@pytest.mark.parametrize("text", ["640", " 640 ", "6.4e2", "+640", "640,0", "640.0"])
def test_numeric_parses_what_people_type(text: str) -> None:
    assert check(QUESTIONS["num"], text)[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,560", 2560.0),  # thousands comma
        ("2 560", 2560.0),  # space
        ("2\u2009560", 2560.0),  # thin space
        ("2\u00a0560", 2560.0),  # no-break space
        ("2\u202f560", 2560.0),  # narrow no-break space
        ("1,000,000", 1_000_000.0),
        ("1 000 000", 1_000_000.0),
        ("1.000.000", 1_000_000.0),
        ("1,234.5", 1234.5),  # thousands comma, decimal point
        ("1.234,5", 1234.5),  # thousands point, decimal comma
        ("2 560,5", 2560.5),
        ("2,5", 2.5),  # decimal comma
        ("0,7452", 0.7452),
        ("0,745", 0.745),  # a leading 0 is never a thousands group
        ("2,5600", 2.56),
        ("\u22120,5", -0.5),  # typographic minus
        (".5", 0.5),
    ],
)
def test_numeric_reads_thousands_separators_and_decimal_commas(text: str, value: float) -> None:
    q = q_of(NumericQuestion, type="numeric", answer=2560, feedback="F.")
    assert parse_answer(q, text) == pytest.approx(value)


def test_numeric_2560_with_a_comma_is_right_and_costs_no_try() -> None:
    q = q_of(NumericQuestion, type="numeric", answer=2560, feedback="F.")
    assert check(q, "2,560")[0] and check(q, "2 560")[0]


@pytest.mark.parametrize(
    ("text", "expected", "value"),
    [
        ("2,560", 2560, 2560.0),
        ("2,560", 2.56, 2.56),  # a decimal comma, when the question expects a small number
        ("-2,560", -2.56, -2.56),
        ("1,234", 1.2, 1.234),
        ("1,234", 1000, 1234.0),
    ],
)
def test_numeric_ambiguous_comma_is_read_as_the_nearer_meaning(
    text: str, expected: float, value: float
) -> None:
    q = q_of(NumericQuestion, type="numeric", answer=expected, feedback="F.")
    assert parse_answer(q, text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("1,00,000", "Group thousands in threes"),
        ("2,56,0", "Group thousands in threes"),
        ("2 56", "Group thousands in threes"),
        ("1,2345,6", "Group thousands in threes"),
        ("1.2.3", "Group thousands in threes"),
        ("2560 parameters", "without units or words"),
        ("--3", "one sign"),
        ("six", "like 2560"),
        ("", "Write a number"),
        ("1e999", "too large"),
    ],
)
def test_numeric_malformed_text_says_what_to_write(bad: str, says: str) -> None:
    with pytest.raises(MalformedAnswer, match=says):
        parse_answer(QUESTIONS["num"], bad)


@pytest.mark.parametrize("bad", ["", "six", "nan", "inf", True, None, [640], {"v": 1}])
def test_numeric_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(QUESTIONS["num"], bad)


def test_ordering_counts_items_in_place() -> None:
    g = grade(QUESTIONS["order"], ["project", "squash", "recur"])
    assert not g.correct
    assert g.feedback == ["SECRET-order-feedback", "1 of 3 are in the right place."]


@pytest.mark.parametrize(
    "bad",
    [
        ["project", "recur"],  # missing an item
        ["project", "recur", "squash", "squash"],  # repeated
        ["project", "recur", "other"],  # unknown
        "project,recur,squash",
        [1, 2, 3],
    ],
)
def test_ordering_refuses_anything_but_a_permutation(bad: object) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(QUESTIONS["order"], bad)


@pytest.mark.parametrize(
    "given", ["gradient", "GRADIENT", "  the   gradient ", "The gradient.", "gradient\n"]
)
def test_text_normalizes_case_and_whitespace(given: str) -> None:
    assert check(QUESTIONS["word"], given)[0]


def test_text_case_sensitive_when_asked() -> None:
    q = q_of(TextQuestion, type="text", accept=["LSTM"], case_sensitive=True, feedback="F.")
    assert check(q, "LSTM")[0]
    assert not check(q, "lstm")[0]


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, 5, None])
def test_text_refuses_empty_or_huge(bad: object) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(QUESTIONS["word"], bad)


@pytest.mark.parametrize("bad", [None, "hidden ", 1, ["hidden"]])
def test_single_refuses_unknown_options(bad: object) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(QUESTIONS["single"], bad)


def test_points_per_try_repeat_the_last_entry() -> None:
    q = QUESTIONS["single"]  # points [1, 0.5, 0.25]
    assert [points_for_try(q, n) for n in (1, 2, 3, 4, 9)] == [1, 0.5, 0.25, 0.25, 0.25]


def test_hints_unlock_one_per_wrong_try() -> None:
    q = QUESTIONS["single"]
    assert hints_unlocked(q, 0) == []
    assert hints_unlocked(q, 1) == ["SECRET-hint-1"]
    assert hints_unlocked(q, 5) == ["SECRET-hint-1", "SECRET-hint-2"]


# --- question versions --------------------------------------------------------------------------


def test_version_ignores_wording_but_not_the_answer_key() -> None:
    q = QUESTIONS["single"]
    reworded = q.model_copy(update={"prompt": "Reworded?", "explanation": "New.", "hints": []})
    assert question_version(reworded) == question_version(q)
    assert isinstance(q, SingleQuestion)
    options = [o.model_copy(update={"correct": not o.correct}) for o in q.options]
    rekeyed = q.model_copy(update={"options": options})
    assert question_version(rekeyed) != question_version(q)


def test_every_question_has_a_distinct_short_version() -> None:
    versions = {question_version(q) for q in QUESTIONS.values()}
    assert len(versions) == len(QUESTIONS)
    assert all(len(v) == 12 for v in versions)


# --- engine-generated questions -----------------------------------------------------------------


def test_engine_variant_is_deterministic_per_student_and_differs_between_them() -> None:
    q = QUESTIONS["h1"]
    assert isinstance(q, EngineQuestion)
    a1, a2, b = (
        engine_variant(q, "user:1"),
        engine_variant(q, "user:1"),
        engine_variant(q, "user:2"),
    )
    assert a1.given() == a2.given()
    assert a1.given() != b.given()
    many = {str(engine_variant(q, f"user:{i}").given()) for i in range(50)}
    assert len(many) == 50


def test_engine_answer_is_the_engines_h1_and_the_equation() -> None:
    q = QUESTIONS["h1"]
    assert isinstance(q, EngineQuestion)
    v = engine_variant(q, "user:7")
    by_hand = np.tanh(v.W_ih @ v.x1 + v.b_ih + v.W_hh @ v.h0 + v.b_hh)
    params = {"weight_ih": v.W_ih, "weight_hh": v.W_hh, "bias_ih": v.b_ih, "bias_hh": v.b_hh}
    by_engine = engine.forward("rnn", params, v.x1[None], v.h0).h[0]
    np.testing.assert_allclose(v.h1, by_hand, rtol=0, atol=1e-12)
    np.testing.assert_allclose(v.h1, by_engine, rtol=0, atol=1e-12)


def test_engine_grading_tolerance_and_per_student_answers() -> None:
    q = QUESTIONS["h1"]
    assert isinstance(q, EngineQuestion)
    h1 = engine_variant(q, "user:7").h1
    assert check(q, list(h1), "user:7")[0]
    assert check(q, [round(float(v), 2) for v in h1], "user:7")[0]  # two decimals suffice
    assert check(q, [str(float(v) + 0.0099) for v in h1], "user:7")[0]  # form strings
    assert not check(q, [float(v) + 0.0101 for v in h1], "user:7")[0]
    other = engine_variant(q, "user:8").h1
    assert not check(q, list(other), "user:7")[0], "someone else's answer is not yours"


def test_engine_recognizes_common_slips() -> None:
    q = QUESTIONS["h1"]
    assert isinstance(q, EngineQuestion)
    v = engine_variant(q, "user:3")
    forgot_tanh = list(v.preactivation())
    forgot_h0 = list(np.tanh(v.preactivation(with_h0=False)))
    assert "pre-activation" in check(q, forgot_tanh, "user:3")[2][0]
    assert "W_hh h_0" in check(q, forgot_h0, "user:3")[2][0]
    slip = grade(q, parse_answer(q, forgot_tanh), variant_key="user:3").misconceptions
    assert slip == ["Forgetting the tanh: the hidden state is the squashed sum, not the sum."]
    unknown = grade(q, parse_answer(q, [5.0, 5.0]), variant_key="user:3")
    assert unknown.misconceptions == [] and unknown.feedback == ["SECRET-engine-feedback"]


@pytest.mark.parametrize("bad", [[0.1], [0.1, 0.2, 0.3], "0.1, 0.2", [0.1, "x"], None])
def test_engine_refuses_wrong_sized_answers(bad: object) -> None:
    with pytest.raises(MalformedAnswer):
        parse_answer(QUESTIONS["h1"], bad)


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ([0.1, "x"], r"^h₁\[1\]: Write a number"),
        (["0.5.1", "0.2"], r"^h₁\[0\]: Group thousands"),
        ([0.1], r"one per hidden unit: h₁\[0\] and h₁\[1\]"),
    ],
)
def test_engine_malformed_answer_names_the_unit(bad: object, says: str) -> None:
    with pytest.raises(MalformedAnswer, match=says):
        parse_answer(QUESTIONS["h1"], bad)


def test_engine_reads_decimal_commas_as_hidden_values() -> None:
    assert parse_answer(QUESTIONS["h1"], ["0,745", "-1,234"]) == [0.745, -1.234]


def test_engine_sizes_follow_the_question() -> None:
    q = q_of(EngineQuestion, type="engine", hidden_size=3, input_size=1, feedback="F.")
    v = engine_variant(q, "k")
    assert v.W_ih.shape == (3, 1) and v.W_hh.shape == (3, 3) and v.x1.shape == (1,)
    assert v.x1.any()


def test_the_fixture_quiz_covers_every_question_type() -> None:
    # A new question type fails here until the quiz above (and so these tests) include it.
    every_type = set(get_args(get_args(Question)[0]))
    assert {type(q) for q in QUESTIONS.values()} == every_type
