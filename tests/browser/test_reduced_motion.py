"""Reduced motion: the parade moves in jumps, not slides, and still reads correctly frame by
frame (lessons/rnn/lesson.md's stepper, in its Parade view, against the trace API)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, expect

from tests.browser.test_stepper import BASIC, trace

ANIMATIONS = "() => document.getAnimations().map(a => a.constructor.name + ' ' + a.playState)"


def parade_frames(root: Locator, steps: int) -> list[list[str]]:
    """Step the parade by → from its first step; return the animations running after each."""
    page = root.page
    root.locator(".st-stage").focus()
    page.keyboard.press("Home")
    running = []
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
        running.append(page.evaluate(ANIMATIONS))
    return running


def test_the_parade_frame_by_frame_without_motion(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    key = BASIC.lstrip("#")
    page.goto(f"{live_server}/lessons/rnn?{key}.view=parade")
    root = page.locator(BASIC)
    root.scroll_into_view_if_needed()
    lane = root.locator('.st-lane[data-cell="rnn"]')
    floats = lane.locator(".st-float")
    expect(floats.first).to_have_attribute("data-value", re.compile(r"\d"), timeout=30_000)
    api = trace(
        page, live_server, cell="rnn", hidden_size=4, input="hello", seed=0, weight_scale=1.0
    )
    T = len(api["influence"])
    root.locator(".st-stage").focus()
    page.keyboard.press("Home")
    for t in range(T):
        if t:
            page.keyboard.press("ArrowRight")
            # nothing slides or fades in: the frame is drawn at once
            assert page.evaluate(ANIMATIONS) == [], f"step {t + 1}"
        expect(root.locator(".st-step-label")).to_have_text(f"{t + 1} / {T}")
        # the floats read so far carry the API's influence of each on h_t; later ones none
        shown = floats.evaluate_all("fs => fs.map(f => f.dataset.value ?? null)")
        assert [float(v) for v in shown[: t + 1]] == api["influence"][t][: t + 1], f"step {t + 1}"
        assert shown[t + 1 :] == [None] * (T - t - 1)
        expect(floats.nth(t)).to_have_class("st-float now")
        # the present float sits under the viewer already: no transition is left to run
        track, viewer = (
            lane.locator(sel).evaluate("e => new DOMMatrix(getComputedStyle(e).transform).m41")
            for sel in (".st-track", ".st-viewer")
        )
        now = floats.nth(t).evaluate("f => f.offsetLeft + f.offsetWidth / 2")
        assert abs(track + now - viewer) <= 8, (t, track, now, viewer)
        read = "the first float" if t == 0 else "first float: "
        expect(lane.locator(".st-lane-read")).to_contain_text(read)
    context.close()


def test_without_the_preference_the_parade_slides(browser: Browser, live_server: str) -> None:
    # the check above can see motion: the same steps, motion allowed, do start transitions
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/lessons/rnn?{BASIC.lstrip('#')}.view=parade")
    root = page.locator(BASIC)
    root.scroll_into_view_if_needed()
    expect(root.locator(".st-float[data-value]").first).to_be_attached(timeout=30_000)
    running = parade_frames(root, 2)
    assert all(any("CSSTransition" in a for a in frame) for frame in running), running
    context.close()
