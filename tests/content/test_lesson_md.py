"""lesson.md sections, widget lines and plain text, as markdown-it reads the Markdown.

The cases here are those that line-by-line regexes got wrong: what counts as a `##` heading
and what is code is CommonMark's decision, so the sections follow what is rendered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.content.errors import LessonFileError
from app.content.lesson_md import parse_lesson_md
from app.content.model import Section

PATH = Path("lessons/t/lesson.md")
FRONT = "---\ntitle: T\nslug: t\n---\n"  # the body starts on line 5


def sections(body: str) -> list[Section]:
    return parse_lesson_md(FRONT + body, PATH)[1]


def ids_and_lines(body: str) -> list[tuple[str, int]]:
    return [(s.id, s.line) for s in sections(body)]


def problems(body: str) -> list[str]:
    with pytest.raises(LessonFileError) as info:
        parse_lesson_md(FRONT + body, PATH)
    return [str(p) for p in info.value.problems]


def text_of(section: Section) -> str:
    return BeautifulSoup(section.html, "html.parser").get_text()


def test_a_fence_in_a_list_item_ends_with_the_list() -> None:
    # The list item's fence is never closed, so CommonMark closes it where the item ends;
    # `## B` is a heading, not code.
    body = "## A {#a}\n\n- item\n\n  ```\n  code\n\n## B {#b}\n\nText.\n"
    assert ids_and_lines(body) == [("a", 5), ("b", 12)]
    assert "code" in text_of(sections(body)[0])


def test_a_backtick_line_with_a_backtick_in_its_info_is_not_a_fence() -> None:
    body = "## A {#a}\n\n``` not`a fence\n\n## B {#b}\n"
    assert [s.id for s in sections(body)] == ["a", "b"]


@pytest.mark.parametrize("closing", ["```", "````", "  ```"])
def test_hashes_inside_a_fence_stay_code_until_it_closes(closing: str) -> None:
    body = f"## A {{#a}}\n\n```\n## not a heading\n{closing}\n\n## B {{#b}}\n"
    first, second = sections(body)
    assert (first.id, second.id, second.line) == ("a", "b", 11)
    assert first.html.count("<pre ") == 1 and "## not a heading" in text_of(first)


def test_an_unclosed_fence_runs_to_the_end() -> None:
    body = "## A {#a}\n\n~~~\n## still code\n"
    (only,) = sections(body)
    assert only.id == "a" and "## still code" in text_of(only)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("## Check yourself {#quiz}", ("quiz", "Check yourself")),
        ("## Check yourself {#quiz} ##", ("quiz", "Check yourself")),  # closing hashes
        ("   ## Check yourself {#quiz}", ("quiz", "Check yourself")),  # up to 3 spaces
        ("## Check yourself", ("check-yourself", "Check yourself")),
        ("## Check {#Bad Id}", ("check-bad-id", "Check {#Bad Id}")),  # not an id: title text
        ("Check yourself {#quiz}\n---", ("quiz", "Check yourself")),  # Setext
        ("Check\nyourself\n---", ("check-yourself", "Check yourself")),  # Setext, two lines
    ],
)
def test_section_headings_and_their_ids(heading: str, expected: tuple[str, str]) -> None:
    (section,) = sections(f"{heading}\n\nText.\n")
    assert (section.id, section.title) == expected
    assert section.line == 5 and text_of(section).strip() == "Text."


def test_setext_heading_line_is_its_text_line() -> None:
    body = "## A {#a}\n\nText.\n\nSecond {#b}\n------\n\nMore.\n"
    assert ids_and_lines(body) == [("a", 5), ("b", 9)]


@pytest.mark.parametrize(
    "body",
    [
        "> ## Quoted\n",  # in a block quote
        "- ## Listed\n",  # in a list item
        "    ## Indented code\n",  # four spaces: indented code
        "# Title\n\nTitle\n=====\n",  # level 1, ATX and Setext
        "### Smaller\n",
        "##\n",  # empty
        "Para\n\n---\n",  # a thematic break, not a Setext underline (blank line before)
    ],
)
def test_other_headings_stay_in_their_section(body: str) -> None:
    (only,) = sections("## A {#a}\n\n" + body)
    assert only.id == "a"


def test_text_before_the_first_heading_is_an_introduction() -> None:
    assert ids_and_lines("Hello.\n\n## A {#a}\n") == [("introduction", 5), ("a", 7)]
    assert ids_and_lines("\n\n## A {#a}\n") == [("a", 7)]
    assert ids_and_lines("Only text.\n") == [("introduction", 5)]
    assert ids_and_lines("") == []


def test_a_heading_titled_introduction_is_a_section_even_when_empty() -> None:
    assert ids_and_lines("## Introduction\n\n## B {#b}\n") == [("introduction", 5), ("b", 7)]


def test_repeated_setext_id_is_reported_at_its_line() -> None:
    body = "## A {#a}\n\nAgain {#a}\n---\n"
    assert problems(body) == [f"{PATH}:7: section id 'a' is used twice (first on line 5)"]


def test_widget_errors_point_at_the_line_inside_a_list_item() -> None:
    body = "## A {#a}\n\n- Try it:\n\n  ```rnn-stepper\n  cell: lstm\n  hidden_size: 500\n  ```\n"
    assert problems(body) == [f"{PATH}:11: hidden_size: Input should be less than or equal to 64"]


def test_widgets_are_numbered_per_section() -> None:
    fence = "```rnn-stepper\ncell: gru\n```\n\n"
    first, second = sections(f"## A {{#a}}\n\n{fence}{fence}## B {{#b}}\n\n{fence}")
    ids = [
        div["id"]
        for s in (first, second)
        for div in BeautifulSoup(s.html, "html.parser").find_all("div", class_="widget")
    ]
    assert ids == ["a-rnn-stepper-1", "a-rnn-stepper-2", "b-rnn-stepper-1"]


def test_a_link_reference_works_from_any_section() -> None:
    body = "## A {#a}\n\nSee [PyTorch][pt].\n\n## B {#b}\n\n[pt]: https://pytorch.org\n"
    link = BeautifulSoup(sections(body)[0].html, "html.parser").find("a")
    assert link is not None and link["href"] == "https://pytorch.org"


def test_plain_text_keeps_prose_and_drops_code_math_and_markup() -> None:
    body = (
        "## A {#a}\n\n"
        "The **hidden state** $h_t$ keeps `h_prev` and [a link](https://x.org).\n"
        "Next line.\n\n"
        "- one\n- two_words\n\n"
        "```python\nsecret = 1\n````\n\n"
        "$$\nW_{hh}\n$$\n\n"
        "    indented code\n\n"
        "Escaped \\*stars\\* and \\$5, ![a parade](p.png) &amp; done.\n"
    )
    assert sections(body)[0].text == (
        "The hidden state keeps h_prev and a link.\nNext line.\n\n"
        "one\n\ntwo_words\n\n"
        "Escaped *stars* and $5, a parade & done."
    )


SAY_LESSON = """\
---
title: T
slug: t
say:
  'h_t = \\tanh(a_t)': h t is the tanh of a t
  'W_{hh}': the recurrent weights
---
## A {#a}

The update

$$ h_t  =  \\tanh(a_t) $$

and the weights $W_{hh}$, again $W_{hh}$, and $x_t$.
"""


def test_say_gives_a_formula_the_authors_words() -> None:
    _, sections = parse_lesson_md(SAY_LESSON, PATH)
    maths = BeautifulSoup(sections[0].html, "html.parser").find_all("math")
    said = [(m["alttext"], m.get("data-say")) for m in maths]
    assert said == [
        ("h_t = \\tanh(a_t)", "h t is the tanh of a t"),  # spacing in the text does not matter
        ("W_{hh}", "the recurrent weights"),
        ("W_{hh}", "the recurrent weights"),  # every occurrence
        ("x_t", None),  # no say: Listen spells the LaTeX out
    ]


def test_a_say_that_matches_no_formula_is_a_problem_at_its_line() -> None:
    text = SAY_LESSON.replace("'W_{hh}': the recurrent weights", "'W_{xx}': a typo")
    with pytest.raises(LessonFileError) as caught:
        parse_lesson_md(text, PATH)
    (problem,) = caught.value.problems
    assert problem.line == 6
    assert "say: no formula $W_{xx}$ in the lesson" in problem.message
