"""The registry of question kinds: every kind the lesson schema allows is registered once,
with its form partial, and nothing outside app/quiz/kinds asks which kind a question is."""

from __future__ import annotations

import re
from typing import get_args

from app.config import PROJECT_ROOT
from app.content.schema import Question
from app.quiz.kinds import KINDS

SCHEMA_TYPES = {
    get_args(member.model_fields["type"].annotation)[0]
    for member in get_args(get_args(Question)[0])
}


def test_every_schema_type_has_exactly_one_registered_kind() -> None:
    assert set(KINDS) == SCHEMA_TYPES
    assert all(kind.type == name for name, kind in KINDS.items())
    assert len({kind.label for kind in KINDS.values()}) == len(KINDS), "labels tell kinds apart"


def test_every_kind_has_its_form_partial() -> None:
    partials = PROJECT_ROOT / "templates" / "quiz" / "kinds"
    for name in KINDS:
        text = (partials / f"{name}.html").read_text()
        assert "{% macro fields(q, slug, filled, finished=False)" in text, name


def test_no_code_outside_the_kinds_dispatches_on_question_type() -> None:
    """Question-kind dispatch (isinstance on a question class, comparisons of `.type` with
    a kind's name) lives only in app/quiz/kinds/; templates include the kind's partial."""
    kind_names = "|".join(KINDS)
    classes = r"(Single|Multiple|TrueFalse|Numeric|Ordering|Text|Engine)Question"
    patterns = [
        re.compile(rf"isinstance\([^)]*{classes}"),
        re.compile(rf"\.type\s*(==|!=|in)\s*\(?\s*[\"']({kind_names})[\"']"),
        re.compile(rf"type\s*===?\s*[\"']({kind_names})[\"']"),
    ]
    roots = [PROJECT_ROOT / "app", PROJECT_ROOT / "templates", PROJECT_ROOT / "static" / "js"]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in (".py", ".html", ".js") or "kinds" in path.parts:
                continue
            text = path.read_text()
            found += [f"{path}:{p.pattern}" for p in patterns if p.search(text)]
    assert found == [], found
