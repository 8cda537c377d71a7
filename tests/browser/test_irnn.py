"""The IRNN start in real Chromium: picked by keyboard in the Train view (and refused for
gated cells), trained, then opened in the stepper, whose equation says relu and whose states
are never below 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import check
from tests.browser.test_stepper import LESSON, TRAIN, row_values, trace


def test_train_an_irnn_then_step_it_as_relu(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    failures: list[str] = []
    page.goto(f"{live_server}/lessons/{LESSON[TRAIN]}")
    root = page.locator(TRAIN)
    root.scroll_into_view_if_needed()
    form = root.locator(".st-train")
    init = form.get_by_label("Starting W_hh", exact=True)
    cell = form.get_by_label("Cell", exact=True)
    irnn = init.locator("option[value=irnn]")
    expect(irnn).to_have_text("Identity + ReLU (IRNN, RNN only)")

    # a gated cell cannot start as an IRNN: the option is disabled
    cell.select_option("lstm")
    expect(irnn).to_be_disabled()
    cell.select_option("rnn")
    expect(irnn).to_be_enabled()

    # by keyboard: the select's label focuses it, arrows pick the last start
    form.locator("label", has_text="Starting W_hh").click()
    expect(init).to_be_focused()
    page.keyboard.press("End")
    expect(init).to_have_value("irnn")
    note = form.locator(f"#{init.get_attribute('id')}-note")
    expect(note).to_contain_text("never below 0")
    expect(note).to_contain_text("0.001")
    check(page, "train view, IRNN picked", failures)

    form.get_by_label("Task", exact=True).select_option("next_char")
    form.get_by_label("Learning rate", exact=True).select_option("0.001")
    steps = form.get_by_label("Training steps", exact=True)
    steps.fill("40")
    steps.press("Tab")
    root.locator(".st-train-actions button", has_text="Train").click()
    kept = root.locator(".st-kept")
    expect(kept).to_be_visible(timeout=30_000)
    expect(kept).to_contain_text("ReLU units from the IRNN start")

    # switching to the LSTM now would refuse the IRNN: the note says what it starts from instead
    cell.select_option("lstm")
    expect(init).to_have_value("pytorch")
    expect(note).to_contain_text("plain RNN only: the LSTM starts from the PyTorch default")
    cell.select_option("rnn")

    kept.locator("button", has_text="Open this network in the stepper").click()
    stage = root.locator(".st-stage")
    expect(stage).to_have_attribute("data-meter", "ready", timeout=10_000)
    expect(stage).to_have_attribute("data-nonlinearity", "relu")
    expect(root.locator(".st-lane-name")).to_have_text(["Trained", "Before training"])

    # the numbers on screen are the kept IRNN's: relu states, none below 0
    network = stage.get_attribute("data-network")
    text = root.locator(".st-input-field input").input_value()
    api = trace(page, live_server, cell="rnn", hidden_size=8, input=text, network=network)
    assert api["nonlinearity"] == "relu"
    shown = row_values(root, "h")
    assert shown == pytest.approx(api["h"][-1], abs=1e-12)
    assert min(shown) >= 0 and max(shown) > 0
    assert min(min(row) for row in api["h"]) >= 0
    expect(root.locator('[data-row="h"] .st-desc').first).to_contain_text("after relu")

    # the equation: relu, recomputed in the browser to the engine's number
    if not root.locator(".st-eq").evaluate("d => d.open"):  # open on a laptop already
        root.locator(".st-eq > summary").click()
    expect(root.locator(".eq-check.ok")).to_be_visible(timeout=10_000)
    sym = root.locator(".eq-sym")
    expect(sym).to_contain_text("relu(")
    expect(sym).not_to_contain_text("tanh")
    expect(root.locator(".st-eq-body")).to_contain_text("relu(a) = max(a, 0)")
    result = float(root.locator(".st-eq-body .eq-result").last.get_attribute("data-value") or "")
    assert result >= 0

    # the fork's h slider spans ReLU's range, [0, 10], not tanh's [-1, 1]
    root.locator(".st-fork summary").click()
    slider = root.locator(".st-fork input[type=range]")
    expect(slider).to_have_attribute("min", "0")
    expect(slider).to_have_attribute("max", "10")

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        check(page, f"a trained IRNN in the stepper, equation open ({scheme})", failures)
    root.screenshot(path=artifacts / "irnn-stepper-1280.png")
    page.set_viewport_size({"width": 320, "height": 900})
    page.wait_for_timeout(300)
    check(page, "a trained IRNN in the stepper at 320 px", failures)
    root.screenshot(path=artifacts / "irnn-stepper-320.png")
    assert failures == [], "\n".join(failures)
    assert console_errors == []
