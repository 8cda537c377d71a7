"""Numeric questions: a number, typed as people type it (`app/quiz/numbers.py`), within an
absolute or relative tolerance; known wrong values get feedback naming the slip."""

from __future__ import annotations

from typing import Any

from app.content.schema import NumericQuestion
from app.quiz.kinds.base import Grade, KindView, QuestionKind, close, fmt, read_float


class NumericKind(QuestionKind[NumericQuestion, float]):
    type = "numeric"
    label = "number"

    def parse(self, question: NumericQuestion, raw: object) -> float:
        return read_float(raw, near=question.answer)

    def grade(self, question: NumericQuestion, answer: float, *, variant_key: str) -> Grade:
        unit = f" {question.unit}" if question.unit else ""
        solution = f"{fmt(question.answer)}{unit}"
        tol, rel = question.tolerance, question.rel_tolerance
        if close(answer, question.answer, tol, rel):
            return Grade(True, 1.0, solution=solution)
        for mistake in question.mistakes:
            if close(answer, mistake.value, tol, rel):
                slips = [mistake.misconception] if mistake.misconception else []
                return Grade(False, 0.0, [mistake.feedback], slips, solution=solution)
        return Grade(False, 0.0, [question.feedback], solution=solution)

    def version_key(self, question: NumericQuestion) -> dict[str, Any]:
        return {
            "answer": question.answer,
            "tol": question.tolerance,
            "rel": question.rel_tolerance,
        }

    def view(self, question: NumericQuestion, *, variant_key: str) -> KindView:
        return KindView(unit=question.unit)

    def to_form(self, question: NumericQuestion, answer: float) -> dict[str, list[str]]:
        return {"answer": [f"{answer:g}"]}

    def describe(self, question: NumericQuestion, answer: float) -> str:
        return fmt(answer)
