"""Short text questions: compared with the accepted answers after Unicode normalization,
collapsing spaces and dropping a final full stop (case-insensitive unless the author says)."""

from __future__ import annotations

import unicodedata
from typing import Any

from app.content.schema import TextQuestion
from app.quiz.errors import MalformedAnswer
from app.quiz.kinds.base import Grade, QuestionKind

MAX_TEXT_ANSWER = 200


def normalize(text: str, case_sensitive: bool) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split()).rstrip(".!")
    return text if case_sensitive else text.casefold()


class TextKind(QuestionKind[TextQuestion, str]):
    type = "text"
    label = "short text"

    def parse(self, question: TextQuestion, raw: object) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise MalformedAnswer("Write a short answer.")
        if len(raw) > MAX_TEXT_ANSWER:
            raise MalformedAnswer(f"Keep the answer under {MAX_TEXT_ANSWER} characters.")
        return raw.strip()

    def grade(self, question: TextQuestion, answer: str, *, variant_key: str) -> Grade:
        given = normalize(answer, question.case_sensitive)
        right = any(normalize(a, question.case_sensitive) == given for a in question.accept)
        feedback = [] if right else [question.feedback]
        return Grade(right, float(right), feedback, solution=question.accept[0])

    def version_key(self, question: TextQuestion) -> dict[str, Any]:
        return {"accept": question.accept, "case": question.case_sensitive}

    def describe(self, question: TextQuestion, answer: str) -> str:
        return answer if question.case_sensitive else answer.casefold()
