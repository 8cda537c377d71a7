"""Text zoom to 200 % without loss (WCAG 1.4.4), at 1280 px.

A browser's text-only zoom scales the root font size and leaves the layout's pixel widths
alone; the test does the same through the CSSOM (the page's CSP stays as served): the root
font size is doubled. Nothing may then be lost: the page does not scroll sideways, no text
is cut off by a box that hides its overflow, and every control seen at normal size is still
on screen, inside the page, and the topmost thing where a pointer would press it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import class_server, log_in, wait_for_widgets
from tests.browser.test_stepper import BASIC

__all__ = ["class_server"]  # the module-scoped server with a class, shared by import

DOUBLE_TEXT = """() => {
  const root = document.documentElement;
  root.style.fontSize = 2 * parseFloat(getComputedStyle(root).fontSize) + "px";
}"""

# What the reader would lose: sideways page scroll, text cut off, controls out of reach.
# Controls are found by a key (tag, name, position among same-named) so that the ones seen at
# normal size can be looked for again after the zoom.
LOSSES = """() => {
  const html = document.documentElement;
  const width = html.clientWidth;
  const shown = el => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.visibility !== "hidden" && r.width > 1 && r.height > 1;
  };
  const hides = s => ["hidden", "clip"].includes(s.overflowX) ||
    ["hidden", "clip"].includes(s.overflowY);  // either axis
  // inside a box the reader can scroll, a control is reachable wherever it sits
  const inScroller = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (["auto", "scroll"].includes(s.overflowX) || ["auto", "scroll"].includes(s.overflowY))
        return true;
    }
    return false;
  };
  const clipped = [];
  for (const el of document.body.querySelectorAll("*")) {
    const s = getComputedStyle(el);
    if (!hides(s) || !shown(el) || !el.innerText || !el.innerText.trim()) continue;
    // a visually-hidden label (1 px, clipped on purpose) is read, not seen
    if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;
    // a box that scrolls along one axis (a wide equation) loses nothing along it
    const over = (hides({overflowX: s.overflowX}) && el.scrollWidth > el.clientWidth + 1) ||
      (hides({overflowY: s.overflowY}) && el.scrollHeight > el.clientHeight + 1);
    if (over || s.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1)
      clipped.push(`${el.tagName.toLowerCase()}.${el.className} ` +
        `(${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ` +
        el.innerText.trim().slice(0, 40));
  }
  const seen = new Map();
  const controls = {};
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest("[hidden], details:not([open]) > :not(summary)")) continue;
    const name = (el.getAttribute("aria-label") || el.innerText || el.name || el.id || "")
      .trim().slice(0, 40);
    const base = `${el.tagName.toLowerCase()} "${name}"`;
    const n = (seen.get(base) || 0) + 1;
    seen.set(base, n);
    const key = `${base} #${n}`;
    if (!shown(el)) { controls[key] = "not shown"; continue; }
    el.scrollIntoView({block: "center", inline: "center"});
    const r = el.getBoundingClientRect();
    if (!inScroller(el) && (r.left < -1 || r.right > width + 1)) {
      controls[key] = `outside the page (${Math.round(r.left)}..${Math.round(r.right)})`;
      continue;
    }
    const x = Math.min(Math.max(r.left + r.width / 2, 0), width - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), window.innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    const hit = top && (el.contains(top) || top.contains(el) ||
      (el.labels && [...el.labels].some(l => l.contains(top))));
    controls[key] = hit ? "ok" : `covered by ${top ? top.tagName.toLowerCase() + "." +
      top.className : "nothing"}`;
  }
  window.scrollTo(0, 0);
  return {overflow: html.scrollWidth - html.clientWidth, clipped, controls};
}"""


def losses(page: Page, state: str, artifacts: Path | None = None) -> list[str]:
    """Return what is lost on the page when its text is doubled, one line each."""
    before: dict[str, Any] = page.evaluate(LOSSES)
    page.evaluate(DOUBLE_TEXT)
    after: dict[str, Any] = page.evaluate(LOSSES)
    if artifacts:
        page.screenshot(path=artifacts / "zoom-200.png")
    found = []
    if after["overflow"] > 0:
        found.append(f"{state}: the page scrolls sideways by {after['overflow']} px")
    found += [f"{state}: text cut off: {c}" for c in after["clipped"]]
    for key, was in before["controls"].items():
        now = after["controls"].get(key, "gone")
        if was == "ok" and now != "ok":
            found.append(f"{state}: {key} {now}")
    page.evaluate("document.documentElement.style.fontSize = ''")
    return found


def test_text_doubled_loses_nothing(browser: Browser, class_server: str, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page, failures = context.new_page(), []
    page.goto(f"{class_server}/lessons/rnn")
    wait_for_widgets(page, BASIC)
    failures += losses(page, "lesson 1 with its widgets", artifacts)
    question = page.locator("form#q-rnn-memory[data-enhanced]")
    question.locator("input[name=answer][value=weights]").check()
    question.get_by_role("button", name="Check answer").click()
    expect(question.locator(".feedback")).to_be_focused()
    failures += losses(page, "a quiz question with its feedback")
    log_in(page, class_server, "ada", "/me/progress")
    failures += losses(page, "my progress")
    page.goto(f"{class_server}/")
    failures += losses(page, "the course page")
    context.clear_cookies()
    log_in(page, class_server, "teach", "/instructor")
    failures += losses(page, "the class overview")
    page.goto(f"{class_server}/instructor/lessons/rnn/gradebook")
    expect(page.locator("h1")).to_be_visible()
    failures += losses(page, "a lesson gradebook")
    page.goto(f"{class_server}/instructor/gradebook")
    failures += losses(page, "the course gradebook")
    context.close()
    assert failures == [], "\n".join(failures)
