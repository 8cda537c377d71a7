"""The unit viewer in real Chromium: the student's text coloured by the shipped network's unit,
the same numbers as the API gives, a unit picked by keyboard, writing at two temperatures,
and screenshots at 1280 and 375 px."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_accessibility import UNITS as WIDGET
from tests.browser.test_accessibility import check

LESSON = "rnn-generation"
NAME = "rnn-generation/char-lstm"


def api_h(base: str, text: str) -> list[list[float]]:
    info = httpx.get(f"{base}/api/engine/shipped/{NAME}").json()
    body = {"shipped": NAME, "cell": info["cell"], "hidden_size": info["hidden_size"]}
    r = httpx.post(
        f"{base}/api/engine/trace", json={**body, "input": text, "include_influence": False}
    )
    assert r.status_code == 200, r.text
    h: list[list[float]] = r.json()["h"]
    return h


def colours(root: Locator) -> list[str]:
    found: list[str] = root.locator(".units-char").evaluate_all(
        "spans => spans.map(s => getComputedStyle(s).backgroundColor)"
    )
    return found


def open_widget(page: Page, base: str) -> Locator:
    page.goto(f"{base}/lessons/{LESSON}")
    root = page.locator(WIDGET)
    root.scroll_into_view_if_needed()
    expect(root.locator(".units-char").first).to_be_attached(timeout=30_000)
    return root


def test_the_text_is_coloured_by_the_unit_and_the_picker_works_by_keyboard(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    failures: list[str] = []
    root = open_widget(page, live_server)
    text = 'she said (quietly) "the parade is long". then it went on.'
    root.get_by_label("Your text").fill(text.upper())  # read lowercased
    expect(root.locator(".units-char")).to_have_count(len(text), timeout=15_000)
    expect(root.locator(".units-status")).to_have_text("")
    j = int(root.get_attribute("data-unit") or "-1")
    h = api_h(live_server, text)
    rows = root.locator(".units-table tbody tr")
    root.locator(".units-table summary").click()
    expect(rows).to_have_count(len(text))
    shown = [
        float(v.replace("\u2212", "-")) for v in rows.locator("td:nth-child(2)").all_inner_texts()
    ]
    # the table shows the API's h for that unit, to 3 decimals
    assert all(abs(a - row[j]) <= 5e-4 for a, row in zip(shown, h, strict=True))
    first = colours(root)
    assert len(set(first)) > 5, "the unit's h changes colour along the text"
    page.screenshot(path=str(artifacts / "units-1280.png"), full_page=False)
    check(page, "unit viewer, text coloured, table open", failures)

    # another unit, by keyboard: the colours follow its own h
    root.get_by_label("Unit").focus()
    page.keyboard.press("ArrowDown")
    expect(root).to_have_attribute("data-unit", str(j + 1 if j + 1 < len(h[0]) else j))
    if j + 1 < len(h[0]):
        assert colours(root) != first
        shown = root.locator(".units-table tbody td:nth-child(2)").first.inner_text()
        assert abs(float(shown.replace("\u2212", "-")) - h[0][j + 1]) <= 5e-4
    assert console_errors == []
    assert failures == [], "\n".join(failures)


def write(root: Locator, page: Page, presses: int, key: str) -> str:
    root.get_by_label("Temperature").focus()
    for _ in range(presses):
        page.keyboard.press(key)
    root.get_by_role("button", name="Let the network write").click()
    out = root.locator(".units-written")
    expect(out).to_have_count(1, timeout=15_000)
    written: str = out.inner_text()
    return written


def test_the_network_writes_at_two_temperatures(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server)
    cold = write(root, page, 4, "ArrowLeft")  # 0.5 -> 0.1
    expect(root.locator(".units-temp-value")).to_have_text("0.1")
    hot = write(root, page, 19, "ArrowRight")  # -> 2.0
    expect(root.locator(".units-temp-value")).to_have_text("2.0")
    assert len(cold) == len(hot) == 200 and cold != hot
    # cold text is made of the likeliest characters: fewer distinct ones than hot text
    assert len(set(cold)) < len(set(hot))
    assert console_errors == []


def test_the_viewer_on_a_phone(page: Page, live_server: str, artifacts: Path) -> None:
    failures: list[str] = []
    page.set_viewport_size({"width": 375, "height": 800})
    root = open_widget(page, live_server)
    root.locator(".units-table summary").click()
    write(root, page, 0, "ArrowLeft")
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(artifacts / "units-375.png"))
    check(page, "unit viewer at 375 px", failures)
    page.set_viewport_size({"width": 320, "height": 800})
    check(page, "unit viewer at 320 px", failures)
    assert failures == [], "\n".join(failures)
