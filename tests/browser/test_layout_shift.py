"""Nothing moves under the reader as a page finishes loading (Web Vitals' layout shift).

The Listen player, its help line and the theme picker appear only with JavaScript, and on a
phone lesson.js folds the contents list: each used to push or pull the lesson half a second
after the first paint (a cumulative layout shift of 0.04 at 1280 px and 0.17-0.41 on a
phone, where Web Vitals calls over 0.25 poor). static/js/scripting.js marks <html> before
the first paint and the stylesheets hold those places. Chromium reports every shift to a
PerformanceObserver; the test adds them up from navigation until the page is idle.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import ARTIFACTS

OBSERVE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    const what = e.sources.map((s) => s.node && s.node.nodeType === 1
      ? `${s.node.tagName.toLowerCase()}.${s.node.className}` : "").join(" ");
    window.__shifts.push([e.value, what]);
  }
}).observe({ type: "layout-shift", buffered: true });
"""
PAGES = [
    "/",
    "/lessons/rnn",
    "/lessons/rnn-gated",
    "/lessons/rnn-training",
    "/lessons/rnn-generation",
]
# A tenth of Web Vitals' "good" bound: what the fix left was 0.000-0.003 on these pages.
MOST = 0.01


@pytest.mark.parametrize("width, height", [(1280, 900), (375, 740)], ids=["desktop", "phone"])
def test_no_page_moves_while_it_loads(
    browser: Browser, live_server: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    shifts: dict[str, list[tuple[float, str]]] = {}
    try:
        for path in PAGES:
            page = context.new_page()
            page.add_init_script(OBSERVE)
            page.goto(live_server + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)  # a shift is reported after the frame it happened in
            shifts[path] = page.evaluate("window.__shifts")
            if path == "/lessons/rnn":
                page.screenshot(path=ARTIFACTS / f"loaded-{width}.png")
            page.close()
    finally:
        context.close()
    total = {path: sum(value for value, _ in found) for path, found in shifts.items()}
    moved = {path: shifts[path] for path, cls in total.items() if cls >= MOST}
    assert not moved, f"layout shift (value, what moved) on load: {moved}"


def test_the_held_places_are_filled_by_what_they_were_held_for(
    browser: Browser, live_server: str
) -> None:
    # The held places must not stay as blank gaps: once the modules ran, each is shown.
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(live_server + "/lessons/rnn")
        page.wait_for_load_state("networkidle")
        shown = page.evaluate(
            """() => ["listen", "listen-help", "theme-pick"].map((name) => {
                 const el = document.querySelector(`.${name}`);
                 return [name, !el.hidden && getComputedStyle(el).visibility === "visible"];
               })"""
        )
        assert shown == [["listen", True], ["listen-help", True], ["theme-pick", True]]
        folded = page.evaluate("!document.querySelector('.toc details').open")
        assert folded, "on a phone the contents start folded"
        page.click(".toc summary")
        assert page.locator(".toc li a").first.is_visible(), "and open when asked"
    finally:
        context.close()
