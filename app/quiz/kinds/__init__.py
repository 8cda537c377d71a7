"""The registry of question kinds: one module per kind, registered here and nowhere else.

A new kind is one module here (a `QuestionKind` subclass), one schema class in
`app/content/schema.py`, one form partial `templates/quiz/kinds/<type>.html`, and tests.
"""

from __future__ import annotations

from typing import Any

from app.content.schema import Question
from app.quiz.kinds.base import QuestionKind
from app.quiz.kinds.choice import MultipleKind, SingleKind
from app.quiz.kinds.engine import EngineKind
from app.quiz.kinds.numeric import NumericKind
from app.quiz.kinds.ordering import OrderingKind
from app.quiz.kinds.text import TextKind
from app.quiz.kinds.true_false import TrueFalseKind

AnyKind = QuestionKind[Any, Any]

KINDS: dict[str, AnyKind] = {
    kind.type: kind
    for kind in (
        SingleKind(),
        MultipleKind(),
        TrueFalseKind(),
        NumericKind(),
        OrderingKind(),
        TextKind(),
        EngineKind(),
    )
}


def kind_of(question: Question) -> AnyKind:
    """Return the kind that parses, grades and shows `question`."""
    return KINDS[question.type]
