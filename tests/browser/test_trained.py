"""Train, then inspect, in real Chromium: a next-character run keeps its network, which then
writes at a temperature and steps through the parade beside itself before training."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import check
from tests.browser.test_stepper import LESSON, TRAIN, row_values, trace


def test_train_then_write_then_step_the_trained_network(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    failures: list[str] = []
    page.goto(f"{live_server}/lessons/{LESSON[TRAIN]}")
    root = page.locator(TRAIN)
    root.scroll_into_view_if_needed()
    root.locator(".st-train label", has_text="Task").click()
    page.keyboard.press("ArrowDown")  # next character of the lesson text
    expect(root.locator(".st-train select").first).to_have_value("next_char")
    root.locator(".st-train label", has_text="Training steps").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("60")
    page.keyboard.press("Tab")
    root.locator(".st-train-actions button", has_text="Train").click()
    kept = root.locator(".st-kept")
    expect(kept).to_be_visible(timeout=30_000)
    expect(root.locator(".st-train-progress")).to_contain_text("perplexity")

    # the temperature slider, by keyboard: 1.0 -> 0.5
    root.locator(".st-sampler label", has_text="Temperature").click()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    expect(root.locator(".st-temp")).to_have_attribute(
        "aria-valuetext", "0.5: safe, repeats the likeliest characters"
    )
    kept.locator("button", has_text="Write").click()
    out = root.locator(".st-sample-out")
    expect(out).to_contain_text("the ", timeout=10_000)
    assert len(out.inner_text()) == len("the ") + 200
    check(page, "train view, a kept network that wrote", failures)

    kept.locator("button", has_text="Open this network in the stepper").click()
    lanes = root.locator(".st-lane-name")
    expect(lanes).to_have_text(["Trained", "Before training"])
    stage = root.locator(".st-stage")
    expect(stage).to_have_attribute("data-meter", "ready", timeout=10_000)
    expect(root.locator(".st-net")).to_contain_text("your trained RNN")

    # the numbers on screen are the kept network's, on the widget's own input, at its last step
    network = stage.get_attribute("data-network")
    text = root.locator(".st-input-field input").input_value()
    api = trace(page, live_server, cell="rnn", hidden_size=8, input=text, network=network)
    assert api["trained"] is True
    expect(root.locator(".st-step-label")).to_have_text(f"{len(text)} / {len(text)}")
    shown = row_values(root, "h")
    assert shown == pytest.approx(api["h"][-1], abs=1e-12)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        check(page, f"parade of a trained network ({scheme})", failures)
    root.screenshot(path=artifacts / "trained-parade-1280.png")
    page.set_viewport_size({"width": 375, "height": 900})
    page.wait_for_timeout(300)
    check(page, "parade of a trained network at 375 px", failures)
    root.screenshot(path=artifacts / "trained-parade-375.png")

    # back to untrained networks: three cells (or the lesson's), no trained lanes
    root.locator(".st-net button", has_text="Back to untrained networks").click()
    expect(lanes.first).not_to_have_text("Trained")
    assert failures == [], "\n".join(failures)
    assert console_errors == []
