"""YAML with lines: one parse gives the data and the line of every key and item."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import LessonFileError
from app.content.yamlsrc import parse_yaml

PATH = Path("quiz.yaml")


def test_data_and_lines_come_from_the_same_text() -> None:
    data, lines = parse_yaml("a: &x 1\nb: *x\nc:\n  - 2\n  - *x\n", PATH, first_line=3)
    assert data == {"a": 1, "b": 1, "c": [2, 1]}
    assert lines[("a",)] == 3 and lines[("b",)] == 4 and lines[("c", 0)] == 6
    assert lines[("c", 1)] == 3  # an alias points at its anchor's line


def test_empty_text_is_no_data() -> None:
    assert parse_yaml("", PATH) == (None, {})
    assert parse_yaml("# only a comment\n", PATH) == (None, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n---\nb: 2\n", "quiz.yaml:4: YAML syntax: but found another document"),
        ("a: [1\n", "quiz.yaml:4: YAML syntax:"),
        # the reader refuses control characters before any parsing starts
        ("a: \x07\n", "quiz.yaml:3: YAML: unacceptable character #x0007"),
        # a tag the safe loader will not build fails while building, still with its line
        ("a: 1\nb: !!python/name:os.system\n", "quiz.yaml:4: YAML syntax: could not determine"),
    ],
)
def test_bad_yaml_is_a_problem_with_a_line(text: str, expected: str) -> None:
    with pytest.raises(LessonFileError) as info:
        parse_yaml(text, PATH, first_line=3)
    assert str(info.value.problems[0]).startswith(expected)
