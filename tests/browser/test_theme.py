"""Light and dark: the page follows the system's scheme, or the reader's pick, which the
server remembers (a cookie) so the next page is painted in it from the start."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_stepper import VARIANTS

DARK_PAPER = "rgb(20, 23, 28)"  # parade.css --paper, dark
LIGHT_PAPER = "rgb(253, 252, 249)"


def paper(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.documentElement).backgroundColor"))


def test_a_dark_system_gets_the_dark_scheme_widgets_included(
    browser: Browser, live_server: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{live_server}/lessons/rnn-gated")
    assert paper(page) == DARK_PAPER
    root = page.locator(VARIANTS)
    root.scroll_into_view_if_needed()
    expect(root.locator('[data-row="h"] .st-cell[data-value]').first).to_be_attached()
    surface = root.evaluate("w => getComputedStyle(w).backgroundColor")
    assert surface == "rgb(29, 33, 40)"  # --surface, dark
    # A lane's name is written in its cell's colour: the dark scheme's lighter vermilion.
    name = root.locator('.st-lane[data-cell="rnn"] .st-lane-name')
    if name.count():
        colour = name.evaluate("n => getComputedStyle(n).borderColor")
        assert colour == "rgb(255, 158, 102)"
    page.screenshot(path=artifacts / "dark-lesson.png", full_page=False)
    root.screenshot(path=artifacts / "dark-stepper.png")
    context.close()


def test_the_readers_pick_wins_and_is_remembered(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme="light")
    page = context.new_page()
    page.goto(f"{live_server}/")
    assert paper(page) == LIGHT_PAPER
    picker = page.get_by_label("Theme")
    expect(picker).to_be_visible()
    expect(picker).to_have_value("")
    picker.select_option("dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert paper(page) == DARK_PAPER
    # The next page comes from the server already dark: the attribute is in its HTML.
    html = page.request.get(f"{live_server}/login").text()
    assert '<html lang="en" data-theme="dark">' in html
    page.goto(f"{live_server}/login")
    assert paper(page) == DARK_PAPER
    expect(page.get_by_label("Theme")).to_have_value("dark")
    # Back to the system's scheme: the cookie goes, the page is light again.
    page.get_by_label("Theme").select_option("")
    expect(page.locator("html")).not_to_have_attribute("data-theme", "dark")
    assert paper(page) == LIGHT_PAPER
    assert not [c for c in context.cookies() if c["name"] == "parade_theme"]
    context.close()


def test_an_unknown_theme_cookie_is_ignored(browser: Browser, live_server: str) -> None:
    context = browser.new_context()
    host = live_server.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": "parade_theme", "value": '"><script>', "domain": host, "path": "/"}]
    )
    page = context.new_page()
    response = page.goto(f"{live_server}/")
    assert response is not None and "data-theme" not in response.text().split("<head>")[0]
    context.close()
