"""The course as written: four lessons in order, each with a spoken summary, section checks,
real dilemmas, and the singular-value material marked optional."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from app.config import PROJECT_ROOT
from app.content.folder import load_folder
from app.content.model import Lesson
from app.content.store import LessonStore

LESSONS = PROJECT_ROOT / "lessons"
COURSE = ["rnn", "rnn-training", "rnn-gated", "rnn-generation"]


def lesson(slug: str) -> Lesson:
    return load_folder(LESSONS / slug)


def test_the_course_loads_in_order_without_problems() -> None:
    snapshot = LessonStore(LESSONS).reload()
    assert snapshot.all_problems() == []
    assert [x.slug for x in snapshot.ordered()] == COURSE


@pytest.mark.parametrize("slug", COURSE)
def test_each_lesson_has_a_spoken_summary_written_for_the_ear(slug: str) -> None:
    spoken = lesson(slug).sections[0]
    assert spoken.id == "in-brief" and lesson(slug).narrated[0] == "in-brief"
    words = len(spoken.text.split())
    assert 250 <= words <= 900, words
    assert "$" not in spoken.text and "\\" not in spoken.text  # no maths
    assert not re.search(r"(?i)as we will see|see below|below|above", spoken.text)


def test_the_first_summary_holds_the_whole_answer() -> None:
    text = lesson("rnn").sections[0].text.lower()
    for term in [
        "sequences",
        "memory",
        "hidden state",
        "one piece at a time",
        "feedback loop",
        "any length",
        "vanishing gradient",
        "far apart",
        "lstm",
        "gru",
        "parade",
    ]:
        assert term in text, term
    # every term is explained where it first appears
    assert text.index("gradient") > text.index("weights") > text.index("neural network is")


@pytest.mark.parametrize("slug", COURSE)
def test_each_lesson_has_section_checks_and_real_dilemmas(slug: str) -> None:
    x = lesson(slug)
    assert x.checked, "a short check after some section"
    assert x.dilemmas, "at least one dilemma"
    for d in x.dilemmas:
        assert len(d.options) >= 3
        assert not re.search(r"(?m)^\s*Recommendation", d.commentary)
        assert len(d.commentary.split()) >= 80, "the commentary weighs the options"


def test_at_most_one_dilemma_is_about_streaming_versus_bidirectional() -> None:
    about = [
        d.id
        for slug in COURSE
        for d in lesson(slug).dilemmas
        if "bidirectional" in (d.title + d.prompt).lower()
    ]
    assert len(about) <= 1, about


def test_singular_values_are_marked_optional() -> None:
    x = lesson("rnn-training")
    soup = BeautifulSoup("".join(s.html for s in x.sections), "html.parser")
    optional = soup.select("aside.optional")
    assert len(optional) == 1 and "singular value" in optional[0].text
    outside = soup.get_text().replace(optional[0].get_text(), "")
    assert "singular value" not in outside
