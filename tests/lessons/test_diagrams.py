"""Every SVG in a lesson folder is an accessible diagram, and the RNN page shows them all."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from app.content.diagram import svg_problems

LESSONS = PROJECT_ROOT / "lessons"
SVGS = sorted(LESSONS.glob("*/**/*.svg"))


def test_the_course_lessons_have_their_diagrams() -> None:
    names = {p.name for p in SVGS if p.is_relative_to(LESSONS / "rnn")}
    assert {"rnn-unrolled.svg", "sequence-shapes.svg"} <= names
    gated = {p.name for p in SVGS if p.is_relative_to(LESSONS / "rnn-gated")}
    assert {"lstm-cell.svg", "gru-cell.svg"} <= gated


@pytest.mark.parametrize("path", SVGS, ids=lambda p: str(p.relative_to(LESSONS)))
def test_every_svg_has_a_title_and_a_description(path: Path) -> None:
    soup = BeautifulSoup(path.read_text(), "html.parser")
    svg = soup.find("svg")
    assert svg is not None
    title, desc = svg.find("title"), svg.find("desc")
    assert title is not None and title.text.strip(), "a <title> names the diagram"
    assert desc is not None and len(desc.text.split()) >= 12, "a <desc> says what it shows"
    assert svg["aria-labelledby"].split() == [title["id"], desc["id"]]
    assert svg_problems(path.read_text()) == []
    # ids are prefixed with the file's name, so two diagrams on one page never share one
    ids = re.findall(r'\bid="([^"]+)"', path.read_text())
    assert all(i.startswith(f"{path.stem}-") for i in ids), ids


@pytest.mark.parametrize(("slug", "count"), [("rnn", 2), ("rnn-gated", 2)])
def test_the_lesson_page_inlines_each_diagram_once_with_unique_ids(
    client: TestClient, slug: str, count: int
) -> None:
    page = client.get(f"/lessons/{slug}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    figures = soup.select("figure.diagram")
    assert len(figures) == count
    for figure in figures:
        svg = figure.find("svg")
        assert svg is not None and svg["role"] == "img"
        labels = [soup.find(id=i) for i in svg["aria-labelledby"].split()]
        assert [el.name for el in labels if el is not None] == ["title", "desc"]
        assert figure.find("figcaption") is not None
    ids = Counter(str(el["id"]) for el in soup.find_all(id=True))
    assert [i for i, n in ids.items() if n > 1] == []
