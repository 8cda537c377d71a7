"""The live stepper in real Chromium: the numbers on screen are the engine's numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

BASIC = "#how-it-works-rnn-stepper-1"  # rnn, H=4, "hello", cell locked
VANISH = "#challenges-rnn-stepper-1"  # parade view, rnn only
VARIANTS = "#variants-rnn-stepper-1"  # lstm, parade view, nothing locked
TRAIN = "#variants-rnn-stepper-2"  # train view
# The course lesson each widget sits in.
LESSON = {BASIC: "rnn", VANISH: "rnn-training", VARIANTS: "rnn-gated", TRAIN: "rnn-gated"}


def trace(page: Page, base: str, **body: Any) -> dict[str, Any]:
    """Return the API's trace for `body`, asked the same way the widget asks."""
    request = {"overrides": [], "include_influence": True, "include_params": True, **body}
    response = page.request.post(
        f"{base}/api/engine/trace",
        data=json.dumps(request),
        headers={"content-type": "application/json"},
    )
    assert response.ok, response.text()
    result: dict[str, Any] = response.json()
    return result


def open_widget(page: Page, base: str, widget: str, query: str = "") -> Locator:
    page.goto(f"{base}/lessons/{LESSON[widget]}{query}")
    root = page.locator(widget)
    root.scroll_into_view_if_needed()
    expect(root.locator('[data-row="h"] .st-cell[data-value]').first).to_be_attached()
    return root


def row_values(root: Locator, row: str, grid: int = 0) -> list[float]:
    cells = root.locator(".st-grid").nth(grid).locator(f'[data-row="{row}"] .st-cell')
    return [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]


def step_label(root: Locator) -> str:
    return root.locator(".st-step-label").inner_text()


def test_keyboard_stepping_shows_the_apis_hidden_states(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    api = trace(
        page, live_server, cell="rnn", hidden_size=4, input="hello", seed=0, weight_scale=1.0
    )
    stage = root.locator(".st-stage")
    stage.focus()
    T = len(api["h"])
    for t in range(T):
        expect(root.locator(".st-step-label")).to_have_text(f"{t + 1} / {T}")
        # exact: the DOM holds the full-precision number the API sent
        assert row_values(root, "h") == api["h"][t]
        assert row_values(root, "hPrev") == (api["h0"] if t == 0 else api["h"][t - 1])
        expect(root.locator(".eq-check.ok")).to_be_visible()
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Home")
    expect(root.locator(".st-step-label")).to_have_text(f"1 / {T}")
    page.keyboard.press("End")
    expect(root.locator(".st-step-label")).to_have_text(f"{T} / {T}")
    page.keyboard.press("ArrowLeft")
    expect(root.locator(".st-step-label")).to_have_text(f"{T - 1} / {T}")
    # the screen-reader sentence follows the step
    live = root.locator("[aria-live][aria-atomic]")
    expect(live).to_contain_text(f"Step {T - 1} of {T}, input l")
    # the memory meter row is the API's influence row for this step
    meter = root.locator(".st-tile-meter[data-value]")
    values = [float(v) for v in meter.evaluate_all("ms => ms.map(m => m.dataset.value)")]
    assert values == api["influence"][T - 2][: T - 1]
    assert console_errors == []


def test_space_plays_and_pauses(page: Page, live_server: str, console_errors: list[str]) -> None:
    root = open_widget(page, live_server, BASIC)
    root.locator(".st-stage").focus()
    page.keyboard.press("Space")
    expect(root.locator(".st-play")).to_have_attribute("aria-label", "Pause")
    expect(root.locator(".st-step-label")).not_to_have_text("1 / 5", timeout=3000)
    page.keyboard.press("Space")
    expect(root.locator(".st-play")).to_have_attribute("aria-label", "Play")
    assert console_errors == []


@pytest.mark.parametrize(
    ("cell", "gates", "absent"),
    [
        ("gru", ["r", "z", "n"], ["i", "f", "c"]),
        ("rnn", [], ["i", "r", "c"]),
        ("lstm", ["i", "f", "g", "o"], ["r", "z"]),
    ],
)
def test_changing_the_cell_shows_its_gates(
    page: Page,
    live_server: str,
    console_errors: list[str],
    cell: str,
    gates: list[str],
    absent: list[str],
) -> None:
    root = open_widget(page, live_server, VARIANTS)
    if cell != "lstm":
        root.locator(".st-cell-pick label", has_text=cell.upper()).click()
    expect(root.locator(f'.st-cell-pick input[value="{cell}"]')).to_be_checked()
    expect(root.locator(".st-x")).to_contain_text(cell.upper())
    api = trace(
        page,
        live_server,
        cell=cell,
        hidden_size=4,
        input="a long parade of floats",
        seed=0,
        weight_scale=1.0,
    )
    root.locator(".st-stage").focus()
    expect(root.locator(".st-step-label")).to_have_text("23 / 23")  # a parade opens at its end
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(root.locator(".st-step-label")).to_have_text("3 / 23")
    for g in gates:
        assert row_values(root, g) == api["gates"][g][2]
    for g in absent:
        expect(root.locator(f'[data-row="{g}"]')).to_have_count(0)
    if cell == "lstm":
        assert row_values(root, "c") == api["c"][2]
    assert row_values(root, "h") == api["h"][2]
    # the equation, recomputed in the page from the weights, lands on the engine's h_t
    expect(root.locator(".eq-check.ok")).to_be_visible()
    # the parade keeps one lane per cell, the chosen one in focus
    expect(root.locator(".st-lane")).to_have_count(3)
    expect(root.locator(f'.st-lane.focus[data-cell="{cell}"]')).to_have_count(1)
    assert console_errors == []


def test_a_fork_changes_later_steps_only(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    root.locator(".st-fork summary").click()
    root.locator(".st-fork-form input[type=number]").first.fill("3")  # step 3 (t = 2)
    root.locator(".st-fork-form input[type=number]").nth(1).fill("1")  # unit 1
    root.locator(".st-fork-form input[type=range]").fill("0.9")
    root.locator(".st-fork-form button[type=submit]").click()
    edited_grid = root.locator(".st-grid").nth(1)
    expect(edited_grid).to_be_visible()
    api = trace(
        page,
        live_server,
        cell="rnn",
        hidden_size=4,
        input="hello",
        seed=0,
        weight_scale=1.0,
        overrides=[{"step": 2, "unit": 1, "target": "h", "value": 0.9}],
    )
    root.locator(".st-stage").focus()
    page.keyboard.press("Home")
    for t in range(5):
        expect(root.locator(".st-step-label")).to_have_text(f"{t + 1} / 5")
        original, edited = row_values(root, "h", 0), row_values(root, "h", 1)
        assert original == api["h"][t]
        assert edited == api["edited"]["h"][t]
        if t < 2:
            assert edited == original
        else:
            assert edited != original
        page.keyboard.press("ArrowRight")
    assert api["edited"]["h"][2][1] == 0.9
    # the fork is part of the link
    expect(page).to_have_url(re.compile(r"how-it-works-rnn-stepper-1\.fork=2\.1\.h\.0\.9"))
    assert console_errors == []


def test_the_url_reproduces_what_the_student_sees(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, VARIANTS)
    root.locator(".st-cell-pick label", has_text="GRU").click()
    root.locator(".st-tab", has_text="Step through").click()
    expect(root.locator(".st-x")).to_contain_text("GRU")
    root.locator(".st-stage").focus()
    page.keyboard.press("Home")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(root.locator(".st-step-label")).to_have_text("5 / 23")
    expect(page).to_have_url(re.compile(r"variants-rnn-stepper-1\.unit=2"), timeout=3000)
    expect(page).to_have_url(re.compile(r"variants-rnn-stepper-1\.step=5"))
    shown = row_values(root, "z")

    other = page.context.new_page()
    other.goto(page.url)
    again = other.locator(VARIANTS)
    expect(again.locator('[data-row="z"] .st-cell[data-value]').first).to_be_attached()
    expect(again.locator(".st-step-label")).to_have_text("5 / 23")
    expect(again.locator('.st-cell-pick input[value="gru"]')).to_be_checked()
    expect(again.locator('.st-tab[aria-pressed="true"]')).to_have_text("Step through")
    expect(again.locator('[data-row="h"] .st-cell.sel')).to_have_attribute("data-unit", "2")
    assert row_values(again, "z") == shown
    other.close()
    assert console_errors == []


def test_stepping_leaves_the_equation_as_a_fresh_page_draws_it(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    """Each step writes only the equation's changed numbers into the nodes it has (morphHtml):
    what it leaves must be exactly what a page opened at that step draws from scratch."""
    w = VARIANTS.lstrip("#")
    query = f"?{w}.view=stepper&{w}.cell=lstm&{w}.unit=1&{w}.step="
    root = open_widget(page, live_server, VARIANTS, query + "1")
    expect(root.locator(".eq-check.ok")).to_be_visible()
    root.locator(".st-stage").focus()
    for _ in range(6):  # through steps whose numbers change sign (parentheses come and go)
        page.keyboard.press("ArrowRight")
    expect(root.locator(".st-step-label")).to_have_text("7 / 23")
    expect(root.locator(".eq-head")).to_contain_text("Unit 1 at step 7")
    stepped = root.locator(".st-eq-body").inner_html()

    fresh = page.context.new_page()
    again = open_widget(fresh, live_server, VARIANTS, query + "7")
    expect(again.locator(".eq-check.ok")).to_be_visible()
    expect(again.locator(".eq-head")).to_contain_text("Unit 1 at step 7")
    assert again.locator(".st-eq-body").inner_html() == stepped
    fresh.close()
    assert console_errors == []


def test_locked_controls_stay_locked_even_from_the_url(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC, "?how-it-works-rnn-stepper-1.cell=lstm")
    expect(root.locator('.st-cell-pick input[value="rnn"]')).to_be_checked()
    expect(root.locator('.st-cell-pick input[value="lstm"]')).to_be_disabled()
    expect(root.locator('[data-row="f"]')).to_have_count(0)
    assert console_errors == []


def test_typed_input_is_cleaned_and_explained(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    note = root.locator(".st-input-note")
    field = root.locator(".st-input-form input")
    # accents are transliterated (not deleted), and the note names exactly what was done
    field.fill("Hi, Émile!")
    root.locator(".st-input-form button").click()
    expect(note).to_have_text(
        re.compile(r"^Changed your input: lowercased “H”; transliterated to plain letters É → e\. ")
    )
    expect(field).to_have_value("hi, emile!")
    expect(root.locator(".st-step-label")).to_have_text("1 / 10")
    # a tab only became a space: nothing was lowercased, and the note does not claim it was
    field.fill("tab\there")
    field.press("Enter")
    expect(note).to_have_text(re.compile(r"^Changed your input: replaced tab → space\. "))
    expect(note).not_to_contain_text("owercased")
    expect(field).to_have_value("tab here")
    # what has no stand-in is removed, by name
    field.fill("5 € öl")
    field.press("Enter")
    expect(note).to_have_text(
        re.compile(r"^Changed your input: transliterated to plain letters ö → o; removed “€”\. ")
    )
    expect(field).to_have_value("5  ol")
    field.fill("plain")
    field.press("Enter")
    expect(note).to_have_text("")
    expect(root.locator(".st-step-label")).to_have_text("1 / 5")
    assert console_errors == []


def test_predict_then_reveal(page: Page, live_server: str, console_errors: list[str]) -> None:
    root = open_widget(page, live_server, BASIC)
    api = trace(
        page, live_server, cell="rnn", hidden_size=4, input="hello", seed=0, weight_scale=1.0
    )
    root.locator(".st-options label", has_text="Predict").click()
    # the question is asked as soon as the mode is on, before any key is pressed
    expect(root.locator(".st-q")).to_have_text("Step 2 reads “e”. Will unit 0 of h rise or fall?")
    root.locator(".st-stage").focus()
    page.keyboard.press("ArrowRight")  # → while a question waits: the answers take the keyboard
    expect(root.locator(".st-q-buttons button").first).to_be_focused()
    expect(root.locator(".st-step-label")).to_have_text("1 / 5")  # not stepped before the guess
    root.locator(".st-q-buttons button", has_text="Rise").click()
    expect(root.locator(".st-step-label")).to_have_text("2 / 5")
    rose = api["h"][1][0] >= api["h"][0][0]
    verdict = "st-verdict right" if rose else "st-verdict wrong"
    expect(root.locator(".st-verdict")).to_have_class(verdict)
    expect(root.locator(".st-score")).to_have_text(f"Score: {int(rose)} of 1")
    # the next question replaces the old verdict (the score keeps it)
    page.keyboard.press("ArrowRight")
    expect(root.locator(".st-q")).to_have_text("Step 3 reads “l”. Will unit 0 of h rise or fall?")
    expect(root.locator(".st-verdict")).to_have_text("")
    expect(root.locator(".st-verdict")).to_be_hidden()
    expect(root.locator(".st-score")).to_have_text(f"Score: {int(rose)} of 1")
    assert console_errors == []


def test_predicting_follows_jumps_and_the_last_step(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)  # "hello": 5 steps
    root.locator(".st-options label", has_text="Predict").click()
    question, verdict = root.locator(".st-q"), root.locator(".st-verdict")
    answers = root.locator(".st-q-buttons button")
    expect(question).to_have_text("Step 2 reads “e”. Will unit 0 of h rise or fall?")
    root.locator(".st-stage").focus()
    page.keyboard.press("End")  # a jump with a question pending: nothing left to ask
    expect(root.locator(".st-step-label")).to_have_text("5 / 5")
    expect(question).to_contain_text("This is the last step")
    expect(answers.first).to_be_hidden()
    root.locator(".st-stage").focus()
    page.keyboard.press("Home")  # back to the start: the question comes back
    expect(question).to_have_text("Step 2 reads “e”. Will unit 0 of h rise or fall?")
    root.locator(".st-stage").focus()
    page.keyboard.press("ArrowRight")  # → with a question pending says why it waits
    expect(verdict).to_have_text(
        "Answer the question first: pick one of its buttons, then → steps on."
    )
    expect(answers.first).to_be_focused()
    for step in (2, 3, 4):
        answers.first.click()
        expect(root.locator(".st-step-label")).to_have_text(f"{step} / 5")
        expect(verdict).to_contain_text("Press → (or Step forward) for the next guess.")
        page.keyboard.press("ArrowRight")
        expect(question).to_contain_text(f"Step {step + 1} reads")
    answers.first.click()  # the last guess: → is disabled, so the verdict says Home
    expect(root.locator(".st-step-label")).to_have_text("5 / 5")
    expect(verdict).to_contain_text("That was the last step: press Home (or First step)")
    expect(verdict).not_to_contain_text("Press →")
    first = root.get_by_role("button", name="First step (Home)")
    expect(first).to_be_focused()
    first.click()  # by pointer, as the verdict says: back to step 1 and a new question
    expect(root.locator(".st-step-label")).to_have_text("1 / 5")
    expect(question).to_have_text("Step 2 reads “e”. Will unit 0 of h rise or fall?")
    expect(answers.first).to_be_visible()
    expect(answers.first).to_be_focused()
    expect(verdict).to_be_hidden()
    answers.first.click()  # and it is a live question: answering it reveals step 2
    expect(root.locator(".st-step-label")).to_have_text("2 / 5")
    expect(verdict).to_contain_text("Press → (or Step forward) for the next guess.")
    assert console_errors == []


def test_the_keyboard_stays_in_the_widget_when_its_button_is_disabled(
    page: Page, live_server: str
) -> None:
    root = open_widget(page, live_server, BASIC)
    root.get_by_role("button", name="Step forward (→)").click()
    first = root.get_by_role("button", name="First step (Home)")
    first.focus()
    page.keyboard.press("Enter")  # step 1: First step is disabled under the keyboard
    expect(first).to_be_disabled()
    expect(root.locator(".st-stage")).to_be_focused()
    page.keyboard.press("ArrowRight")  # so the arrows go on working
    expect(root.locator(".st-step-label")).to_have_text("2 / 5")


def test_text_first_table_lists_the_step(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    root.locator(".st-options label", has_text="Numbers as a table").click()
    table = root.locator(".st-table-wrap table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("Step 1 of 5, input “h”")
    expect(table.locator("tbody tr")).to_have_count(4)
    assert console_errors == []


def test_the_weight_scale_slider_moves_the_memory_meter(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, VANISH)
    expect(root.locator(".st-lane")).to_have_count(1)  # the cell is locked: one lane
    root.locator(".st-stage").focus()
    page.keyboard.press("End")

    def first_float() -> float:
        expect(root.locator(".st-float.now[data-value]")).to_be_attached()
        return float(root.locator(".st-float").first.get_attribute("data-value") or "nan")

    small = first_float()
    root.locator(".st-controls input[type=range]").nth(1).fill("3")
    expect(root.locator(".st-controls output").nth(1)).to_have_text("3.00")
    stage = root.locator(".st-stage")
    expect(stage).to_have_attribute("data-scale", "3")  # the trace on show, not just the slider
    expect(stage).to_have_attribute("data-meter", "ready")
    large = first_float()
    assert small < 1e-9 < 1 < large  # forgotten at 0.5; louder than ever at 3
    assert console_errors == []


def test_the_training_stream_draws_a_falling_loss(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/lessons/rnn-gated")
    root = page.locator(TRAIN)
    root.scroll_into_view_if_needed()
    root.locator(".st-train label", has_text="Training steps").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("300")
    page.keyboard.press("Tab")
    root.locator(".st-train-actions button", has_text="Train").click()
    expect(root.locator(".st-train-status")).to_contain_text("Finished", timeout=30_000)
    plotted = root.locator(".st-loss canvas").get_attribute("data-series") or "[]"
    loss: list[list[float]] = json.loads(plotted)[-1]
    assert len(loss) >= 10
    assert loss[-1][0] == 300
    assert loss[-1][1] < 0.5 * loss[0][1]
    assert console_errors == []


def test_screenshots_laptop_and_phone(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for widget in (BASIC, VANISH, VARIANTS, TRAIN):
            page.goto(f"{live_server}/lessons/{LESSON[widget]}")
            root = page.locator(widget)
            root.scroll_into_view_if_needed()
            if widget != TRAIN:
                expect(root.locator('[data-row="h"] .st-cell[data-value]').first).to_be_attached()
                root.locator(".st-stage").focus()
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(900)  # let the parade finish sliding
            name = widget.lstrip("#").replace("-rnn-stepper", "")
            root.screenshot(path=artifacts / f"stepper-{name}-{width}.png")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width} px"
    assert console_errors == []


def test_every_control_has_a_name_and_the_stepper_takes_focus(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/lessons/rnn-gated")
    for widget in (VARIANTS, TRAIN):
        page.locator(widget).scroll_into_view_if_needed()
    expect(page.locator(f'{VARIANTS} [data-row="h"] .st-cell[data-value]').first).to_be_attached()
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll(
              '.stepper button, .stepper input, .stepper select, .stepper summary')]
            .filter((el) => el.tabIndex >= 0 && !el.disabled)
            .filter((el) => !(el.labels?.length || el.getAttribute('aria-label')
                              || el.closest('label') || el.textContent.trim()))
            .map((el) => el.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []
    stage = page.locator(f"{VARIANTS} .st-stage")
    stage.focus()
    outline = stage.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # a visible focus ring when reached with the keyboard
    assert console_errors == []


def test_memory_bias_lets_the_lstm_lane_remember(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, VARIANTS)
    bias = root.locator(".st-field", has_text="Memory bias").locator("input[type=range]")
    bias.fill("3")
    expect(page).to_have_url(re.compile(r"variants-rnn-stepper-1\.bias=3"), timeout=3000)
    root.locator(".st-stage").focus()
    page.keyboard.press("End")

    def first_float(cell: str) -> float:
        lane = root.locator(f'.st-lane[data-cell="{cell}"]')
        return float(lane.locator(".st-float").first.get_attribute("data-value") or "nan")

    api = trace(
        page,
        live_server,
        cell="lstm",
        hidden_size=4,
        input="a long parade of floats",
        seed=0,
        weight_scale=1.0,
        memory_bias=3.0,
    )
    expect(root.locator('.st-lane[data-cell="lstm"] .st-float').first).to_have_attribute(
        "data-value", str(api["influence"][-1][0])
    )
    assert first_float("lstm") > 1e4 * first_float("rnn")
    assert console_errors == []
