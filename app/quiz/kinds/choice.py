"""Choice questions: one option (`single`) or any set of options (`multiple`).

Multiple select names the wrong picks only once the question is finished. It is scored by
right picks minus wrong picks over the number of right options, floored at 0: ticking every
option therefore earns nothing unless right options outnumber wrong ones, and the answer is
correct only when the picks are exactly the correct options.
"""

from __future__ import annotations

from typing import Any

from app.content.schema import MultipleQuestion, SingleQuestion
from app.quiz.errors import MalformedAnswer
from app.quiz.kinds.base import (
    AnswerOption,
    FormValues,
    Grade,
    KindView,
    Option,
    QuestionKind,
    read_ids,
)

SOME_WRONG = "Not all of your picks are right: some are wrong, or some right options are missing."


def _options(question: SingleQuestion | MultipleQuestion) -> KindView:
    return KindView(options=[Option(o.id, o.text) for o in question.options])


def _answer_options(question: SingleQuestion | MultipleQuestion) -> list[AnswerOption]:
    return [AnswerOption(o.id, o.text, o.correct, o.misconception) for o in question.options]


def _texts(question: SingleQuestion | MultipleQuestion, ids: list[str]) -> str:
    texts = {o.id: o.text for o in question.options}
    return "; ".join(texts.get(i, i) for i in ids) or "(nothing)"


class SingleKind(QuestionKind[SingleQuestion, str]):
    type = "single"
    label = "single choice"

    def parse(self, question: SingleQuestion, raw: object) -> str:
        if not isinstance(raw, str) or raw not in [o.id for o in question.options]:
            raise MalformedAnswer("Choose one of the options.")
        return raw

    def grade(self, question: SingleQuestion, answer: str, *, variant_key: str) -> Grade:
        chosen = next(o for o in question.options if o.id == answer)
        right = next(o for o in question.options if o.correct)
        return Grade(
            correct=chosen.correct,
            credit=float(chosen.correct),
            feedback=[chosen.feedback] if chosen.feedback else [],
            misconceptions=[chosen.misconception] if chosen.misconception else [],
            solution=right.text,
        )

    def version_key(self, question: SingleQuestion) -> dict[str, Any]:
        return {"options": [[o.id, o.correct] for o in question.options]}

    def view(self, question: SingleQuestion, *, variant_key: str) -> KindView:
        return _options(question)

    def describe(self, question: SingleQuestion, answer: str) -> str:
        return _texts(question, [answer])

    def answer_options(self, question: SingleQuestion) -> list[AnswerOption]:
        return _answer_options(question)

    def chosen_options(self, question: SingleQuestion, stored: object) -> list[str]:
        known = isinstance(stored, str) and any(o.id == stored for o in question.options)
        return [stored] if known and isinstance(stored, str) else []


class MultipleKind(QuestionKind[MultipleQuestion, list[str]]):
    type = "multiple"
    label = "multiple select"

    def parse(self, question: MultipleQuestion, raw: object) -> list[str]:
        order = [o.id for o in question.options]
        return sorted(read_ids(raw, order, "option"), key=order.index)

    def grade(self, question: MultipleQuestion, answer: list[str], *, variant_key: str) -> Grade:
        picked = set(answer)
        correct_ids = {o.id for o in question.options if o.correct}
        hits = len(picked & correct_ids)
        wrong = len(picked - correct_ids)
        feedback = [o.feedback for o in question.options if o.id in picked and o.feedback]
        if hits < len(correct_ids):
            missed = len(correct_ids) - hits
            feedback.append(f"You missed {missed} correct option{'s' if missed != 1 else ''}.")
        misconceptions = [
            o.misconception
            for o in question.options
            if o.id in picked - correct_ids and o.misconception
        ]
        right = picked == correct_ids
        # Before the last try, feedback on the selection as a whole: naming the wrong picks,
        # or counting the missed ones, would let one try that ticks everything show the key.
        summary = [] if right else [SOME_WRONG]
        return Grade(
            correct=right,
            credit=max(0.0, (hits - wrong) / len(correct_ids)),
            feedback=summary,
            solution="; ".join(o.text for o in question.options if o.correct),
            finished_feedback=feedback,
            finished_misconceptions=misconceptions,
        )

    def version_key(self, question: MultipleQuestion) -> dict[str, Any]:
        return {"options": [[o.id, o.correct] for o in question.options]}

    def view(self, question: MultipleQuestion, *, variant_key: str) -> KindView:
        return _options(question)

    def from_form(self, question: MultipleQuestion, form: FormValues) -> object:
        return list(form.get("answer", []))  # no box ticked is an answer too

    def to_form(self, question: MultipleQuestion, answer: list[str]) -> dict[str, list[str]]:
        return {"answer": list(answer)}

    def describe(self, question: MultipleQuestion, answer: list[str]) -> str:
        return _texts(question, answer)

    def answer_options(self, question: MultipleQuestion) -> list[AnswerOption]:
        return _answer_options(question)

    def chosen_options(self, question: MultipleQuestion, stored: object) -> list[str]:
        if not isinstance(stored, list):
            return []
        picked = {i for i in stored if isinstance(i, str)}
        return [o.id for o in question.options if o.id in picked]
