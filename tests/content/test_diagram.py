"""Diagram fences: an SVG beside lesson.md, checked, sanitized and inlined as a figure."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.content.diagram import svg_problems
from app.content.errors import LessonFileError
from app.content.lesson_md import parse_lesson_md

GOOD = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40" role="img"
  aria-labelledby="loop-title loop-desc">
<title id="loop-title">A loop</title>
<desc id="loop-desc">An arrow from the cell back into itself.</desc>
<defs><marker id="loop-arrow" viewBox="0 0 10 10" refX="9" refY="5" orient="auto">
<path d="M0 0L10 5L0 10z" fill="currentColor"/></marker></defs>
<g stroke="currentColor" fill="none"><path d="M10 20 H90" marker-end="url(#loop-arrow)"/></g>
<text x="50" y="15" fill="currentColor" text-anchor="middle">h<tspan dy="4">t</tspan></text>
</svg>
"""


def lesson(tmp_path: Path, fence_body: str, svg: str | None = GOOD) -> Path:
    """Write a lesson.md with one diagram fence (and the SVG, if given); return its path."""
    (tmp_path / "diagrams").mkdir(exist_ok=True)
    if svg is not None:
        (tmp_path / "diagrams" / "loop.svg").write_text(svg)
    md = tmp_path / "lesson.md"
    md.write_text(
        f"---\ntitle: T\nslug: t\n---\n\n## One\n\nText.\n\n```diagram\n{fence_body}```\n"
    )
    return md


def render(md: Path) -> BeautifulSoup:
    _, sections = parse_lesson_md(md.read_text(), md)
    return BeautifulSoup(sections[0].html, "html.parser")


def problems(md: Path) -> list[str]:
    with pytest.raises(LessonFileError) as exc:
        parse_lesson_md(md.read_text(), md)
    return [f"{p.line}: {p.message}" for p in exc.value.problems]


def test_a_diagram_becomes_a_labelled_inline_figure(tmp_path: Path) -> None:
    md = lesson(tmp_path, "file: diagrams/loop.svg\ncaption: The <loop> & its arrow\n")
    html = parse_lesson_md(md.read_text(), md)[1][0].html
    assert 'viewBox="0 0 100 40"' in html  # SVG's camelCase survives, so the figure scales
    soup = BeautifulSoup(html, "html.parser")
    figure = soup.select_one("figure.diagram")
    assert figure is not None
    svg = figure.find("svg")
    assert svg is not None and svg["role"] == "img"
    title_id, desc_id = str(svg["aria-labelledby"]).split()
    assert soup.find(id=title_id).name == "title" and soup.find(id=desc_id).name == "desc"
    assert figure.select_one("path[marker-end]")["marker-end"] == "url(#loop-arrow)"
    caption = figure.find("figcaption")
    assert caption is not None and caption.text == "The <loop> & its arrow"
    assert figure.find("loop") is None  # the caption is text, not markup


def test_scripts_handlers_links_and_foreign_content_are_removed(tmp_path: Path) -> None:
    evil = GOOD.replace(
        "</svg>",
        "<script>alert(1)</script><style>*{display:none}</style>"
        '<a href="javascript:alert(1)"><text>click</text></a>'
        '<use href="https://evil.example/x.svg#a"/><image href="x.png"/>'
        '<foreignObject><div onclick="alert(1)">x</div></foreignObject>'
        '<circle r="3" onload="alert(1)" style="fill:red"/></svg>',
    )
    soup = render(lesson(tmp_path, "file: diagrams/loop.svg\n", evil))
    for tag in ("script", "style", "a", "use", "image", "foreignobject", "div"):
        assert soup.find(tag) is None, tag
    attrs = {a for el in soup.find_all(True) for a in el.attrs}
    assert not {a for a in attrs if a.startswith("on")} and "style" not in attrs
    assert "href" not in attrs and soup.find("circle") is not None


def test_a_missing_file_is_reported_at_the_fence(tmp_path: Path) -> None:
    md = lesson(tmp_path, "file: diagrams/none.svg\n")
    assert problems(md) == ["10: diagram: diagrams/none.svg is not in the lesson folder"]


@pytest.mark.parametrize(
    "body",
    [
        "file: ../../etc/passwd.svg\n",
        "file: /etc/x.svg\n",
        "file: diagrams/x.png\n",
        "caption: no file\n",
    ],
)
def test_only_svg_files_inside_the_folder_are_allowed(tmp_path: Path, body: str) -> None:
    assert all(p.startswith("11:") or p.startswith("10:") for p in problems(lesson(tmp_path, body)))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('<title id="loop-title">A loop</title>', ""), "needs a non-empty <title>"),
        (("An arrow from the cell back into itself.", " "), "needs a non-empty <desc>"),
        (('viewBox="0 0 100 40"', 'width="100" height="40"'), "needs a viewBox"),
        (('role="img"', 'role="img" width="400"'), "must not set width or height"),
        (('role="img"', ""), 'needs role="img"'),
        (("loop-title loop-desc", "loop-title"), "aria-labelledby"),
        (('stroke="currentColor"', 'stroke="#000"'), "hard-codes #000"),
        (('fill="currentColor" text-anchor', 'fill="white" text-anchor'), "hard-codes white"),
        (('fill="currentColor" text-anchor', 'fill="#336699" text-anchor'), "hard-codes #336699"),
    ],
)
def test_unfit_svgs_are_reported(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    svg = GOOD.replace(*change)
    assert svg != GOOD
    found = problems(lesson(tmp_path, "file: diagrams/loop.svg\n", svg))
    assert any(expected in p and "diagrams/loop.svg" in p for p in found), found


def test_a_good_svg_has_no_problems() -> None:
    assert svg_problems(GOOD) == []


def test_a_diagram_does_not_renumber_the_widgets_after_it(tmp_path: Path) -> None:
    # widget ids are in links students share (#variants-rnn-stepper-1.bias=3): keep them stable
    md = lesson(tmp_path, "file: diagrams/loop.svg\n")
    md.write_text(md.read_text() + "\n```rnn-stepper\ncell: lstm\n```\n")
    soup = render(md)
    assert [el["id"] for el in soup.select("[data-widget]")] == ["one-rnn-stepper-1"]
