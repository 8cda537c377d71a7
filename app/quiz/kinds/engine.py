"""Engine questions: each student computes h_1 of their own small tanh RNN
(`app/quiz/variants.py`); the answer is one number per hidden unit, counted from 0."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.content.schema import EngineQuestion
from app.quiz.errors import MalformedAnswer
from app.quiz.kinds.base import FormValues, Given, Grade, KindView, QuestionKind, close, read_float
from app.quiz.variants import Array, engine_variant

OTHER_SLIP = "A value that matches no common slip"

# The slips the grader recognizes: (how the sum was made, feedback, misconception).
SLIPS = (
    (
        {"with_h0": True, "with_bias": True, "squash": False},
        "That is the pre-activation a_1: apply tanh to it to get h_1.",
        "Forgetting the tanh: the hidden state is the squashed sum, not the sum.",
    ),
    (
        {"with_h0": False, "with_bias": True, "squash": True},
        "The previous hidden state is missing: add W_hh h_0.",
        "Leaving out the recurrent term W_hh h_0, so the network has no memory.",
    ),
    (
        {"with_h0": True, "with_bias": False, "squash": True},
        "The biases are missing: add b_ih and b_hh.",
        "Leaving out the biases b_ih and b_hh.",
    ),
)


class EngineKind(QuestionKind[EngineQuestion, list[float]]):
    type = "engine"
    label = "own numbers"

    def parse(self, question: EngineQuestion, raw: object) -> list[float]:
        H = question.hidden_size
        units = " and ".join(f"h₁[{i}]" for i in range(H)) if H <= 4 else f"h₁[0] … h₁[{H - 1}]"
        if not isinstance(raw, list) or len(raw) != H:
            plural = "s" if H != 1 else ""
            raise MalformedAnswer(f"Give {H} number{plural}, one per hidden unit: {units}.")
        values = []
        for i, v in enumerate(raw):
            try:
                # tanh keeps every unit in (-1, 1), so an ambiguous "1,234" means 1.234
                values.append(read_float(v, near=0.0))
            except MalformedAnswer as exc:
                raise MalformedAnswer(f"h₁[{i}]: {exc}") from None
        return values

    def grade(self, question: EngineQuestion, answer: list[float], *, variant_key: str) -> Grade:
        variant = engine_variant(question, variant_key)
        given = np.asarray(answer, dtype=np.float64)
        h1 = variant.h1
        solution = "h_1 = [" + ", ".join(f"{v:.4f}" for v in h1) + "]"

        def matches(target: Array) -> bool:
            return all(
                close(float(g), float(t), question.tolerance)
                for g, t in zip(given, target, strict=True)
            )

        if matches(h1):
            return Grade(True, 1.0, solution=solution)
        for how, feedback, slip in SLIPS:
            a = variant.preactivation(with_h0=how["with_h0"], with_bias=how["with_bias"])
            if matches(np.tanh(a) if how["squash"] else a):
                return Grade(False, 0.0, [feedback], [slip], solution=solution)
        return Grade(False, 0.0, [question.feedback], solution=solution)

    def version_key(self, question: EngineQuestion) -> dict[str, Any]:
        return {
            "task": question.task,
            "H": question.hidden_size,
            "D": question.input_size,
            "tol": question.tolerance,
        }

    def view(self, question: EngineQuestion, *, variant_key: str) -> KindView:
        given = engine_variant(question, variant_key).given()
        return KindView(
            answer_size=question.hidden_size, given=[Given(n, rows) for n, rows in given]
        )

    def from_form(self, question: EngineQuestion, form: FormValues) -> object:
        return list(form.get("answer", []))  # one field per hidden unit

    def to_form(self, question: EngineQuestion, answer: list[float]) -> dict[str, list[str]]:
        return {"answer": [f"{v:g}" for v in answer]}

    def wrong_answer(
        self, question: EngineQuestion, answer: list[float], grade: Grade
    ) -> tuple[str, list[str]]:
        # Every student has other numbers: name the slip, not the value.
        return (grade.misconceptions[0] if grade.misconceptions else OTHER_SLIP), []

    @property
    def groups_wrong_answers_per_student(self) -> bool:
        return True
