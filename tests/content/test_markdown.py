"""Rendering safety: raw HTML off, only safe links, MathML sanitized."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.content.markdown import latex_to_mathml, make_renderer


def render(md: str) -> BeautifulSoup:
    return BeautifulSoup(make_renderer().render(md), "html.parser")


def test_raw_html_is_escaped_not_rendered() -> None:
    soup = render('<script>alert(1)</script>\n\nHi <img src=x onerror="alert(1)"> there')
    assert soup.find("script") is None and soup.find("img") is None
    assert "<script>alert(1)</script>" in soup.get_text()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "vbscript:x",
        " javascript:alert(1)",
    ],
)
def test_unsafe_link_schemes_are_not_links(url: str) -> None:
    soup = render(f"[click]({url})")
    assert soup.find("a") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://pytorch.org",
        "http://x.org/a",
        "/lessons/rnn",
        "#quiz",
        "../other",
        "mailto:t@example.org",
    ],
)
def test_safe_links_are_kept(url: str) -> None:
    a = render(f"[ok]({url})").find("a")
    assert a is not None and a["href"] == url


def test_math_becomes_mathml() -> None:
    soup = render(r"Inline $\sigma(x)$ and $$c_t = f_t \odot c_{t-1} + i_t \odot g_t$$")
    maths = soup.find_all("math")
    assert len(maths) == 2
    assert maths[1].find("msub") is not None and "⊙" in maths[1].get_text()


@pytest.mark.parametrize(
    "latex",
    [
        r"\text{<script>alert(1)</script>}",
        r"\href{javascript:alert(1)}{x}",
        r"\text{<img src=x onerror=alert(1)>}",
    ],
)
def test_mathml_is_sanitized(latex: str) -> None:
    soup = BeautifulSoup(latex_to_mathml(latex, display=False), "html.parser")
    assert soup.find("script") is None and soup.find("img") is None
    assert all(not a.startswith("on") and a != "href" for t in soup.find_all(True) for a in t.attrs)


def test_math_carries_its_source_as_alttext() -> None:
    # "Listen" speaks math from this; quotes and angle brackets stay inside the attribute.
    soup = render('Here $W_{ih}  x_t < "b"$ sits.')
    math = soup.find("math")
    assert math is not None and math["alttext"] == 'W_{ih} x_t < "b"'
    assert len(soup.find_all("math")) == 1 and soup.find("b") is None


def test_broken_latex_shows_its_source_escaped() -> None:
    out = latex_to_mathml(r"\frac{<b>", display=True)
    soup = BeautifulSoup(out, "html.parser")
    assert soup.find("b") is None


def test_widget_fallback_keeps_its_caption_escaped() -> None:
    from app.content.markdown import widget_placeholder

    html = widget_placeholder("rnn-stepper", {"caption": "Watch <b>h_t</b> change"}, "s-1")
    div = BeautifulSoup(html, "html.parser").find("div", class_="widget")
    assert div.find("b") is None
    assert div.find(class_="widget-caption").get_text() == "Watch <b>h_t</b> change"
    assert "network stepper needs JavaScript" in div.find(class_="widget-fallback").get_text()


def test_scrolling_blocks_are_reachable_by_keyboard() -> None:
    """Tables, code and display math scroll sideways on a phone: each takes keyboard focus."""
    from bs4 import BeautifulSoup

    from app.content.markdown import make_renderer

    source = "$$\nx = 1\n$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n    indented\n"
    soup = BeautifulSoup(make_renderer().render(source), "html.parser")
    blocks = [soup.select_one("div.math.block"), soup.table, *soup.find_all("pre")]
    assert len(blocks) == 4
    assert [b is not None and b.get("tabindex") for b in blocks] == ["0"] * 4
    assert soup.find("math") is not None and soup.find("math").get("tabindex") is None
