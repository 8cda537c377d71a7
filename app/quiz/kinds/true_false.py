"""True/false questions: the answer is `true` or `false` (JSON booleans or the strings)."""

from __future__ import annotations

from typing import Any

from app.content.schema import TrueFalseQuestion
from app.quiz.errors import MalformedAnswer
from app.quiz.kinds.base import AnswerOption, Grade, KindView, Option, QuestionKind


class TrueFalseKind(QuestionKind[TrueFalseQuestion, bool]):
    type = "true_false"
    label = "true/false"

    def parse(self, question: TrueFalseQuestion, raw: object) -> bool:
        if isinstance(raw, str) and raw in ("true", "false"):
            return raw == "true"
        if not isinstance(raw, bool):
            raise MalformedAnswer("Answer true or false.")
        return raw

    def grade(self, question: TrueFalseQuestion, answer: bool, *, variant_key: str) -> Grade:
        right = answer is question.answer
        return Grade(
            correct=right,
            credit=float(right),
            feedback=[] if right else [question.feedback],
            misconceptions=[question.misconception] if question.misconception and not right else [],
            solution="True" if question.answer else "False",
        )

    def version_key(self, question: TrueFalseQuestion) -> dict[str, Any]:
        return {"answer": question.answer}

    def view(self, question: TrueFalseQuestion, *, variant_key: str) -> KindView:
        return KindView(options=[Option("true", "True"), Option("false", "False")])

    def to_form(self, question: TrueFalseQuestion, answer: bool) -> dict[str, list[str]]:
        return {"answer": ["true" if answer else "false"]}

    def describe(self, question: TrueFalseQuestion, answer: bool) -> str:
        return "True" if answer else "False"

    def answer_options(self, question: TrueFalseQuestion) -> list[AnswerOption]:
        wrong = question.misconception  # revealed by whichever option is wrong
        return [
            AnswerOption("true", "True", question.answer, None if question.answer else wrong),
            AnswerOption("false", "False", not question.answer, wrong if question.answer else None),
        ]

    def chosen_options(self, question: TrueFalseQuestion, stored: object) -> list[str]:
        # Stored in normal form, a JSON boolean; the strings only from rows written by hand.
        if stored is True or stored == "true":
            return ["true"]
        if stored is False or stored == "false":
            return ["false"]
        return []
