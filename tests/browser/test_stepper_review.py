"""The stepper after a first-time-user review: what a new student trips over, fixed and pinned.

Each test asserts the values the student sees (text, numbers, positions), not just visibility.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Request, Route, expect

from tests.browser.test_stepper import BASIC, TRAIN, VARIANTS, open_widget, trace

W_VARIANTS = VARIANTS.lstrip("#")


def trace_requests(page: Page) -> list[dict[str, Any]]:
    """Collect the body of every /api/engine/trace request the page makes from now on."""
    bodies: list[dict[str, Any]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/engine/trace"):
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", on_request)
    return bodies


def ratio_text(r: float) -> str:
    """The widget's wording of the first input's influence relative to the newest's."""

    def sig(d: float) -> str:
        return f"{round(float(f'{d:.2g}')):,}"

    if r >= 1:
        return "about as" if r < 1.05 else f"{r:.1f} times as" if r < 10 else f"{sig(r)} times as"
    if r > 1 / 1.05:
        return "about as"
    d = 1 / r
    return f"1/{f'{d:.1f}'.removesuffix('.0')} as" if d < 10 else f"1/{sig(d)} as"


def test_a_new_input_starts_at_step_one_but_a_link_keeps_its_step(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    root.locator(".st-stage").focus()
    page.keyboard.press("End")
    expect(root.locator(".st-step-label")).to_have_text("5 / 5")
    field = root.locator(".st-input-form input")
    field.fill("world!")
    field.press("Enter")
    expect(root.locator(".st-step-label")).to_have_text("1 / 6")
    expect(root.locator(".st-x")).to_contain_text("Step 1 of 6")
    # a new seed is a new network: step 1 again
    root.locator(".st-stage").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(root.locator(".st-step-label")).to_have_text("3 / 6")
    seed = root.locator(".st-seed input")
    seed.fill("7")
    seed.press("Enter")
    expect(root.locator(".st-step-label")).to_have_text("1 / 6")
    api = trace(
        page, live_server, cell="rnn", hidden_size=4, input="world!", seed=7, weight_scale=1.0
    )
    cells = root.locator('.st-grid [data-row="h"] .st-cell')
    expect(cells.first).to_have_attribute("data-value", str(api["h"][0][0]))
    # a shared link reproduces its own step, not step 1
    w = BASIC.lstrip("#")
    root = open_widget(page, live_server, BASIC, f"?{w}.input=world&{w}.step=4")
    expect(root.locator(".st-step-label")).to_have_text("4 / 5")
    assert console_errors == []


def test_the_meter_says_how_the_first_input_compares_with_the_newest(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    api = trace(
        page, live_server, cell="rnn", hidden_size=4, input="hello", seed=0, weight_scale=1.0
    )
    read = root.locator(".st-meter-read")
    expect(read).to_contain_text("Only one input read so far")
    root.locator(".st-stage").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    row = api["influence"][2]
    expect(read).to_have_text(
        f"At step 3 the first float “h” is {ratio_text(row[0] / row[2])} influential"
        " as the newest, “l”."
    )
    assert float(read.get_attribute("data-ratio") or "nan") == row[0] / row[2]
    # the tooltip gives the exact norms and what they are
    title = read.get_attribute("title") or ""
    assert f"= {row[0]};" in title and f"= {row[2]}." in title
    assert "Jacobian norm" in title
    # the screen-reader sentence says the same
    expect(root.locator("[aria-live][aria-atomic]")).to_contain_text("influential as the newest")
    assert console_errors == []


def test_predict_mode_asks_as_soon_as_it_is_on(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(
        page, live_server, VARIANTS, f"?{W_VARIANTS}.view=stepper&{W_VARIANTS}.step=1"
    )
    root.locator(".st-options label", has_text="Predict").click()
    expect(root.locator(".st-q")).to_have_text(
        "Step 2 reads “space”. Will unit 0 of h rise or fall?"
    )
    expect(root.locator(".st-q-buttons button")).to_have_text(["↑ Rise", "↓ Fall"])
    # switching the kind of guess re-asks at once, about the same step
    root.locator(".st-q-kinds label", has_text="Which gate").click()
    expect(root.locator(".st-q")).to_contain_text(
        "Step 2 reads “space”. Will unit 0's forget gate f"
    )
    # off and on again: a fresh question, no stale verdict
    root.locator(".st-options label", has_text="Predict").click()
    expect(root.locator(".st-predict")).to_be_hidden()
    root.locator(".st-options label", has_text="Predict").click()
    expect(root.locator(".st-q")).to_contain_text("Step 2 reads")
    expect(root.locator(".st-verdict")).to_have_text("")
    assert console_errors == []


def test_the_training_form_says_when_it_corrects_a_number(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/lessons/rnn-gated")
    root = page.locator(TRAIN)
    root.scroll_into_view_if_needed()
    form = root.locator(".st-train")
    steps = form.locator(".st-field", has_text="Training steps")
    field = steps.locator("input")
    field.fill("")
    field.press("Tab")
    expect(field).to_have_value("400")  # empty: the default, not the minimum
    expect(steps.locator(".st-field-note")).to_have_text("Empty: using the default, 400.")
    field.fill("5000")
    field.press("Tab")
    expect(field).to_have_value("2000")
    expect(steps.locator(".st-field-note")).to_have_text(
        "Training steps can be at most 2000: using 2000."
    )
    field.fill("3")
    field.press("Tab")
    expect(field).to_have_value("10")
    expect(steps.locator(".st-field-note")).to_have_text(
        "Training steps must be at least 10: using 10."
    )
    field.fill("300")
    field.press("Tab")
    expect(steps.locator(".st-field-note")).to_have_text("")
    # the preset does not inherit a degenerate hidden size from the form
    hidden = form.locator(".st-field", has_text="Hidden units").locator("input")
    hidden.fill("1")
    hidden.press("Tab")
    expect(hidden).to_have_value("1")
    note = root.locator(".st-preset-note")
    expect(note).to_contain_text(
        "the same budget: 800 steps, learning rate 0.01, 8 hidden units, seed 0"
        " — its own fixed setup, not the form's."
    )
    expect(note).not_to_contain_text("1 hidden unit")
    assert console_errors == []


def header_offsets(root: Locator) -> list[float]:
    """Return, per labelled unit header, its centre minus its h cell's centre (px)."""
    return list(
        root.evaluate("""r => {
      const grid = r.querySelector('.st-grid');
      const heads = [...grid.querySelectorAll('.st-row-index .st-cell')];
      const cells = [...grid.querySelectorAll('[data-row="h"] .st-cell')];
      const mid = (e) => { const b = e.getBoundingClientRect(); return b.left + b.width / 2; };
      return heads.filter((h) => h.textContent && h.getBoundingClientRect().width)
        .map((h) => mid(h) - mid(cells[+h.dataset.unit]));
    }""")
    )


def test_unit_headers_stay_over_their_cells_at_every_size(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for hidden, first in ((4, "unit 0"), (8, "u0"), (12, "u0"), (16, "u0"), (64, "u0")):
            query = f"?{W_VARIANTS}.view=stepper&{W_VARIANTS}.hidden={hidden}&{W_VARIANTS}.cell=rnn"
            root = open_widget(page, live_server, VARIANTS, query)
            expect(root.locator(".st-grid").first.locator('[data-row="h"] .st-cell')).to_have_count(
                hidden
            )
            heads = root.locator(".st-grid").first.locator(".st-row-index .st-cell")
            expect(heads.first).to_have_text(first)
            offsets = header_offsets(root)
            narrow_dense = width == 375 and hidden > 16  # two lines of cells: no header row
            assert len(offsets) == (
                0 if narrow_dense else hidden if hidden <= 16 else hidden // 8
            ), (width, hidden)
            assert all(abs(d) < 1 for d in offsets), (width, hidden, offsets)
            # every header is on one line, the same line (none wrapped under unit 0)
            tops = heads.evaluate_all(
                "hs => hs.filter(h => h.textContent).map(h => h.getBoundingClientRect().top)"
            )
            assert len({round(t) for t in tops}) <= 1, (width, hidden, tops)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the page scrolls sideways at {width} px, H = {hidden}"
    assert console_errors == []


def test_a_phone_gets_a_full_width_input_folded_panels_and_a_scroll_cue(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    root = open_widget(page, live_server, BASIC)
    field = root.locator(".st-input-field").bounding_box()
    controls = root.locator(".st-step-panel .st-controls").bounding_box()
    assert field and controls and field["width"] >= controls["width"] - 1  # its own row
    seed = root.locator(".st-seed").bounding_box()
    assert seed and field["y"] >= seed["y"] + seed["height"]  # not squeezed beside the seed
    # secondary panels start folded: the equation, the guesses, the fork
    for panel in (".st-eq", ".st-out", ".st-fork"):
        assert root.locator(panel).evaluate("d => d.open") is False, panel
    expect(root.locator(".st-eq-body")).to_be_hidden()
    # the core fits in about one and a half screens: top of the widget to the state cells
    top = root.bounding_box()
    cells = root.locator('.st-grid [data-row="h"]').bounding_box()
    assert top and cells
    core = cells["y"] + cells["height"] - top["y"]
    assert core < 1.5 * 800, f"core is {core:.0f} px tall"
    root.screenshot(path=artifacts / "stepper-review-phone-375.png")
    # opening the equation fetches the weights and shows the checked numbers
    root.locator(".st-eq > summary").click()
    expect(root.locator(".eq-check.ok")).to_be_visible()
    # the LSTM's numbers table is wider than the phone: a hint says so until scrolled to the end
    root = open_widget(
        page, live_server, VARIANTS, f"?{W_VARIANTS}.view=stepper&{W_VARIANTS}.table=1"
    )
    hint = root.locator(".st-scroll-hint")
    expect(hint).to_have_text("scroll → for more columns")
    expect(hint).to_be_visible()
    root.locator(".st-table-wrap").evaluate("w => w.scrollLeft = w.scrollWidth")
    expect(hint).to_be_hidden()
    # headers break between words, never inside one
    heads = root.locator(".st-table thead th").evaluate_all(
        "ths => ths.map(th => { const r = document.createRange(); r.selectNodeContents(th);"
        " return [th.textContent, [...r.getClientRects()].length]; })"
    )
    for text, lines in heads:
        assert lines <= len(text.split()), (text, lines)
    assert console_errors == []


def test_every_focusable_part_uses_the_apps_focus_ring(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    summary = root.locator(".st-fork > summary")
    summary.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
    expect(summary).to_be_focused()
    style = summary.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset]; }"
    )
    assert style == ["solid", "3px", "rgb(242, 169, 0)", "2px"]
    eq = root.locator(".st-eq > summary")
    eq.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(eq).to_be_focused()
    assert eq.evaluate("e => getComputedStyle(e).outlineWidth") == "3px"
    assert console_errors == []


def test_the_memory_chart_lays_out_its_axis_and_the_parade_starts_at_the_left(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        root = open_widget(
            page, live_server, VARIANTS, f"?{W_VARIANTS}.step=1&{W_VARIANTS}.scale=3"
        )
        canvas = root.locator(".st-first canvas")
        expect(canvas).to_have_attribute("data-tick-width", re.compile(r"^\d"))  # drawn
        assert canvas.get_attribute("data-y-label") == "‖∂hₜ/∂x₁‖"
        tick_w = float(canvas.get_attribute("data-tick-width") or "nan")
        left = float(canvas.get_attribute("data-left") or "nan")
        # the rotated title has its own band left of the widest tick label (measured)
        assert tick_w > 20  # e.g. "1e−10"
        assert left >= tick_w + 8 + 16 + 4
        # step 1: the first float sits at the road's left edge, not three quarters along
        page.wait_for_timeout(500)  # the road slides for .35 s
        for lane in root.locator(".st-lane").all():
            road = lane.locator(".st-road").bounding_box()
            first = lane.locator('.st-float[data-step="0"]').bounding_box()
            assert road and first and 0 <= first["x"] - road["x"] <= 12, (width, road, first)
        root.locator(".st-parade").screenshot(path=artifacts / f"stepper-review-parade-{width}.png")
    assert console_errors == []


def test_requests_carry_only_what_the_view_shows(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 900})
    bodies = trace_requests(page)
    root = open_widget(page, live_server, BASIC)
    expect(root.locator(".st-tile-meter[data-value]").first).to_be_attached()
    # folded equation on a phone: no weights asked for
    assert bodies and not any(b["include_params"] for b in bodies)
    root.locator(".st-eq > summary").click()
    expect(root.locator(".eq-check.ok")).to_be_visible()
    params = [b for b in bodies if b["include_params"]]
    assert len(params) == 1 and params[0]["input"] == " " and not params[0]["include_influence"]
    # a new input reuses the weights (they do not depend on it)
    field = root.locator(".st-input-form input")
    field.fill("hey")
    field.press("Enter")
    expect(root.locator(".st-step-label")).to_have_text("1 / 3")
    expect(root.locator(".eq-check.ok")).to_be_visible()
    assert len([b for b in bodies if b["include_params"]]) == 1
    # a fork asks for its states only; the memory meter comes from the unforked run (cached)
    before = len(bodies)
    root.locator(".st-fork > summary").click()
    root.locator(".st-fork-form button[type=submit]").click()
    expect(root.locator(".st-grid-title").first).to_have_text("Original run")
    forked = bodies[before:]
    assert [b["include_influence"] for b in forked if b["overrides"]] == [False]
    assert console_errors == []


def test_a_slow_trace_keeps_the_old_view_dimmed_under_a_spinner(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    held: list[Route] = []
    page.route("**/api/engine/trace", lambda route: held.append(route))
    field = root.locator(".st-input-form input")
    field.fill("a new word")
    field.press("Enter")
    pill = root.locator(".st-status-pill")
    expect(pill).to_have_text("Computing…")
    expect(root).to_have_class(re.compile(r"\bloading\b"))
    expect(root.locator(".st-stage")).to_have_attribute("aria-busy", "true")
    # the old picture stays (dimmed), not blank
    expect(root.locator(".st-step-label")).to_have_text("1 / 5")
    expect(root.locator('.st-grid [data-row="h"] .st-cell[data-value]')).to_have_count(4)
    opacity = root.locator(".st-body").evaluate("e => getComputedStyle(e).opacity")
    assert float(opacity) < 1
    for route in held:
        route.continue_()
    page.unroute("**/api/engine/trace")
    expect(root.locator(".st-step-label")).to_have_text("1 / 10")
    expect(pill).to_have_count(0)
    expect(root).not_to_have_class(re.compile(r"\bloading\b"))
    assert console_errors == []


def test_a_big_trace_draws_its_states_before_the_memory_meter(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    text = ("the first float leads the parade " * 4)[:120]
    bodies = trace_requests(page)
    typed = text.replace(" ", "+")
    query = f"?{W_VARIANTS}.view=stepper&{W_VARIANTS}.hidden=32&{W_VARIANTS}.input={typed}"
    root = open_widget(page, live_server, VARIANTS, query)
    first = next(b for b in bodies if b["input"] == text)
    assert (first["include_influence"], first["include_params"]) == (False, False)
    assert any(b["input"] == text and b["include_influence"] and not b["overrides"] for b in bodies)
    expect(root.locator(".st-tile-meter[data-value]").first).to_be_attached(timeout=30_000)
    expect(root.locator(".st-meter-read")).to_contain_text("Only one input read so far")
    assert console_errors == []
