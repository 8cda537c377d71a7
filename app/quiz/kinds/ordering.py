"""Ordering questions: every item once, first step first. Items are written in the correct
order in quiz.yaml; students see them in a stable shuffled order that is never the key."""

from __future__ import annotations

import hashlib
from typing import Any

from app.content.schema import OrderingQuestion
from app.quiz.errors import MalformedAnswer
from app.quiz.kinds.base import FormValues, Grade, KindView, Option, QuestionKind, read_ids


def shuffled_order(question_id: str, ids: list[str]) -> list[str]:
    """Return ids in a stable order that is never the given (correct) one when len > 1."""
    order = sorted(ids, key=lambda i: hashlib.sha256(f"{question_id}:{i}".encode()).digest())
    if order == ids and len(ids) > 1:
        order = order[1:] + order[:1]
    return order


class OrderingKind(QuestionKind[OrderingQuestion, list[str]]):
    type = "ordering"
    label = "ordering"

    def parse(self, question: OrderingQuestion, raw: object) -> list[str]:
        ids = [i.id for i in question.items]
        order = read_ids(raw, ids, "item")
        if len(order) != len(ids):
            raise MalformedAnswer("Put every item in the order, each once.")
        return order

    def grade(self, question: OrderingQuestion, answer: list[str], *, variant_key: str) -> Grade:
        ids = [i.id for i in question.items]
        in_place = sum(a == b for a, b in zip(answer, ids, strict=True))
        solution = " → ".join(i.text for i in question.items)
        if in_place == len(ids):
            return Grade(True, 1.0, solution=solution)
        counted = f"{in_place} of {len(ids)} are in the right place."
        return Grade(False, 0.0, [question.feedback, counted], solution=solution)

    def version_key(self, question: OrderingQuestion) -> dict[str, Any]:
        return {"items": [i.id for i in question.items]}

    def view(self, question: OrderingQuestion, *, variant_key: str) -> KindView:
        by_id = {i.id: i.text for i in question.items}
        return KindView(
            options=[Option(i, by_id[i]) for i in shuffled_order(question.id, [*by_id])]
        )

    def from_form(self, question: OrderingQuestion, form: FormValues) -> object:
        # One `position-<item id>` select per item.
        positions: dict[str, int] = {}
        for item in question.items:
            raw = (form.get(f"position-{item.id}") or [""])[0]
            if not raw.isdigit() or len(raw) > 3:
                raise MalformedAnswer("Give every step a position.")
            positions[item.id] = int(raw)
        if sorted(positions.values()) != list(range(1, len(question.items) + 1)):
            raise MalformedAnswer("Give each step a different position, from 1 up.")
        return sorted(positions, key=positions.__getitem__)

    def to_form(self, question: OrderingQuestion, answer: list[str]) -> dict[str, list[str]]:
        return {f"position-{item}": [str(i)] for i, item in enumerate(answer, 1)}

    def describe(self, question: OrderingQuestion, answer: list[str]) -> str:
        texts = {i.id: i.text for i in question.items}
        return " → ".join(texts.get(a, a) for a in answer)
