"""Contrast, computed here from WCAG 2's formula rather than trusted to axe's sampling: every
state-cell colour the stepper can show with the text colour it picks for it, the cells as
painted in light and dark, and the sentence Listen highlights in light and dark."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_listen import FAKE_SPEECH
from tests.browser.test_stepper import BASIC, VANISH, VARIANTS

# Every step of each lookup table (colors.js: 256 entries) and the clamped ends beyond them.
PALETTE = """async () => {
  const main = document.querySelector("script[src*='stepper/main.js']").src;
  const c = await import(new URL("colors.js", main).href);
  const N = 256, out = {diverging: [], gate: [], influence: []};
  for (let i = -2; i < N + 2; i++) {
    const x = i / (N - 1);
    out.diverging.push(c.diverging(2 * x - 1));
    out.gate.push(c.gate(x));
    out.influence.push(c.influence(10 ** (c.LOG_MIN + x * (c.LOG_MAX - c.LOG_MIN))));
  }
  out.influence.push(c.influence(0), c.influence(NaN));
  return out;
}"""

# Text colour and the colour behind it (the nearest opaque background), as painted.
PAINTED = """els => els.map(el => {
  let bg = el;
  while (bg && getComputedStyle(bg).backgroundColor.match(/rgba\\(.*, 0\\)|transparent/))
    bg = bg.parentElement;
  return {text: el.textContent.trim().slice(0, 30), ink: getComputedStyle(el).color,
          fill: bg ? getComputedStyle(bg).backgroundColor : "rgb(255, 255, 255)"};
})"""


def rgb(colour: str) -> tuple[int, int, int]:
    """Return the red, green and blue bytes of a CSS colour: #rgb, #rrggbb or rgb()/rgba()."""
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    match = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", colour)
    assert match, colour
    assert match[4] is None or float(match[4]) == 1, f"not opaque: {colour}"
    return int(match[1]), int(match[2]), int(match[3])


def luminance(colour: str) -> float:
    """Return WCAG 2's relative luminance of a colour."""

    def linear(byte: int) -> float:
        c = byte / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(x) for x in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return WCAG 2's contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_contrast_formula_against_known_pairs() -> None:
    assert contrast("#fff", "#000") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)  # WebAIM's checker
    assert contrast("rgb(0, 0, 255)", "#ffffff") == pytest.approx(8.59, abs=0.01)


def test_every_state_cell_colour_has_readable_text(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/lessons/rnn")
    palettes = page.evaluate(PALETTE)
    low = []
    for name, cells in palettes.items():
        assert len({c["fill"] for c in cells}) >= 200, name  # every step, not a few stops
        for cell in cells:
            ratio = contrast(cell["ink"], cell["fill"])
            if ratio < 4.5:
                low.append(f"{name}: {cell['ink']} on {cell['fill']}: {ratio:.2f}")
    assert low == [], "\n".join(low)


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (375, "dark")])
def test_cells_and_the_listen_highlight_as_painted(
    browser: Browser, live_server: str, width: int, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.add_init_script("window.__speechConfig = {};")  # a scripted voice: Listen can play
    page.add_init_script(FAKE_SPEECH)
    key = VARIANTS.lstrip("#")
    low: list[str] = []

    def check(what: str, painted: list[dict[str, str]]) -> None:
        assert painted, what
        for p in painted:
            ratio = contrast(p["ink"], p["fill"])
            if ratio < 4.5:
                low.append(f"{what} “{p['text']}”: {p['ink']} on {p['fill']}: {ratio:.2f}")

    # an LSTM in the stepper view: diverging cells (states) and gate cells, every step
    page.goto(f"{live_server}/lessons/rnn-gated?{key}.view=stepper")
    root = page.locator(VARIANTS)
    root.scroll_into_view_if_needed()
    cells = root.locator(".st-cell[data-value]")
    expect(cells.first).to_be_attached(timeout=30_000)
    root.locator(".st-stage").focus()
    for _ in range(4):
        check(f"LSTM cell ({scheme})", cells.evaluate_all(PAINTED))
        page.keyboard.press("ArrowRight")

    # the parade's floats, coloured by how much of them is still remembered
    page.goto(f"{live_server}/lessons/rnn-training")
    parade = page.locator(VANISH)
    parade.scroll_into_view_if_needed()
    expect(parade.locator(".st-float[data-value]").first).to_be_attached(timeout=30_000)
    parade.locator(".st-stage").focus()
    page.keyboard.press("End")
    check(f"parade float ({scheme})", parade.locator(".st-float[data-value]").evaluate_all(PAINTED))

    page.goto(f"{live_server}/lessons/rnn")
    page.locator(BASIC).scroll_into_view_if_needed()  # widgets load when seen
    cells = page.locator(BASIC).locator(".st-cell[data-value]")
    expect(cells.first).to_be_attached()
    check(f"RNN cell ({scheme})", cells.evaluate_all(PAINTED))
    # Listen: every sentence it can highlight, all highlighted at once (links, code and muted
    # text included), each measured against what is painted behind it
    page.locator(".listen").get_by_role("button", name="Listen", exact=True).click()
    expect(page.locator(".listen-now").first).to_be_visible()
    page.locator(".listen").get_by_role("button", name="Pause", exact=True).click()
    page.locator(".listen-s").evaluate_all("ss => ss.forEach(s => s.classList.add('listen-now'))")
    painted = page.locator(".listen-s, .listen-s *").evaluate_all(PAINTED)
    check(f"Listen highlight ({scheme})", painted)
    context.close()
    assert low == [], "\n".join(low)
