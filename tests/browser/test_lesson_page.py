"""The lesson page in real Chromium, on a laptop and on a 375 px phone."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def test_lesson_page_renders_on_desktop(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/lessons/rnn")
    expect(page.locator("h1")).to_have_text("What an RNN is, and how it works")
    sections = page.locator("main article > section")
    assert sections.count() >= 6
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
    page.locator("#analogy").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "lesson-analogy-375.png")
    assert console_errors == []


def test_index_links_to_the_lesson(page: Page, live_server: str) -> None:
    page.goto(live_server)
    page.get_by_role("link", name="What an RNN is, and how it works").click()
    expect(page).to_have_url(f"{live_server}/lessons/rnn")


def test_the_contents_fold_on_a_phone_and_open_beside_the_lesson(
    page: Page, live_server: str
) -> None:
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(f"{live_server}/lessons/rnn")
    first = page.locator("nav.toc a").first
    expect(first).to_be_hidden()  # folded: the first screen is the lesson
    page.set_viewport_size({"width": 1024, "height": 900})
    expect(first).to_be_visible()  # widened: the list beside the lesson, open
    page.locator("nav.toc summary").click()
    expect(first).to_be_visible()  # there its summary is a heading, not a toggle
    page.set_viewport_size({"width": 700, "height": 900})
    expect(first).to_be_hidden()


def test_the_train_task_has_a_row_of_its_own_on_a_phone(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/lessons/rnn-gated")
    train = page.locator("#variants-rnn-stepper-2")
    train.scroll_into_view_if_needed()
    task = train.get_by_label("Task")
    expect(task).to_be_visible()
    box, form = task.bounding_box(), train.locator(".st-train .st-controls").bounding_box()
    assert box and form and box["width"] > 0.9 * form["width"], (box, form)
    # the longest task name fits: the select is as wide as its widest option needs
    fits = task.evaluate(
        "s => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(s).font;"
        " const widths = [...s.options].map(o => c.measureText(o.text).width);"
        " return Math.max(...widths) < s.clientWidth; }"
    )
    assert fits
