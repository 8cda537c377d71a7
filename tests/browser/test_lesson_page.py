"""The lesson page in real Chromium, on a laptop and on a 375 px phone."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def test_lesson_page_renders_on_desktop(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/lessons/rnn")
    expect(page.locator("h1")).to_have_text("Recurrent neural networks")
    sections = page.locator("main article > section")
    assert sections.count() >= 8
    # math is rendered as MathML with real layout (not raw LaTeX)
    math = page.locator("math[display=block]").first
    expect(math).to_be_visible()
    assert math.bounding_box()["height"] > 10  # type: ignore[index]
    assert "\\tanh" not in page.locator("main").inner_text()
    expect(page.locator("#quiz form.question").first).to_be_visible()
    page.screenshot(path=artifacts / "lesson-1280.png", full_page=False)
    page.locator("#quiz").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "lesson-quiz-1280.png")
    assert console_errors == []


def test_lesson_page_fits_a_phone(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server}/lessons/rnn")
    # nothing forces sideways scrolling of the page itself
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert font >= 16
    toc = page.locator("nav.toc details")
    expect(toc).not_to_have_attribute("open", "")  # folded on a phone
    page.locator("nav.toc summary").click()
    expect(page.locator("nav.toc a").first).to_be_visible()
    page.screenshot(path=artifacts / "lesson-375.png")
    page.locator("#variants").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "lesson-variants-375.png")
    assert console_errors == []


def test_index_links_to_the_lesson(page: Page, live_server: str) -> None:
    page.goto(live_server)
    page.get_by_role("link", name="Recurrent neural networks").click()
    expect(page).to_have_url(f"{live_server}/lessons/rnn")
