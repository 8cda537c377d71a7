"""The stepper's teaching aids in real Chromium: the forked run's equation, gate predictions,
the RNN-vs-LSTM preset and the parade's untrained-gates explanation, checked against the API."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from playwright.sync_api import Locator, Page, Request, expect
from test_stepper import BASIC, TRAIN, VANISH, VARIANTS, open_widget, row_values, trace

LONG = "a long parade of floats"


def value(el: Locator) -> float:
    return float(el.get_attribute("data-value") or "nan")


def shown(v: float, digits: int) -> str:
    """Return v as the page prints it: fixed digits, a real minus sign."""
    return f"{v:.{digits}f}".replace("-", "\u2212")


def equation_result(root: Locator) -> float:
    return value(root.locator(".st-eq-body .eq-result").last)


def test_the_equation_follows_the_fork(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    w = BASIC.lstrip("#")
    # a link with an edit: at step 3, h[1] := 0.9; unit 1 selected, at step 2
    query = f"?{w}.fork=2.1.h.0.9&{w}.unit=1&{w}.step=2"
    root = open_widget(page, live_server, BASIC, query)
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
    expect(root.locator(".st-step-label")).to_have_text("2 / 5")
    toggle = root.locator(".st-eq-toggle")
    expect(toggle).to_be_hidden()  # before the edit both runs are one
    expect(root.locator(".st-eq-same")).to_contain_text("identical before step 3")
    assert abs(equation_result(root) - api["h"][1][1]) < 1e-9

    root.locator(".st-stage").focus()
    page.keyboard.press("ArrowRight")  # step 3: the edited step itself
    expect(toggle).to_be_visible()
    expect(toggle.locator('[aria-pressed="true"]')).to_have_text("Edited run")
    expect(root.locator(".eq-head")).to_contain_text("Edited run")
    expect(root.locator(".eq-override")).to_contain_text("from the fork, not from the equation")
    # the equation still gives the network's own value; the run uses the student's 0.9
    assert abs(value(root.locator(".eq-computed")) - api["h"][2][1]) < 1e-9
    assert equation_result(root) == 0.9 == api["edited"]["h"][2][1]
    expect(root.locator(".eq-check.ok")).to_contain_text("With your edit, matches")

    page.keyboard.press("ArrowRight")  # step 4: the equation runs on from the edited state
    expect(root.locator(".eq-override")).to_have_count(0)
    expect(root.locator(".eq-check.ok")).to_be_visible()
    edited_h = api["edited"]["h"][3][1]
    assert abs(equation_result(root) - edited_h) < 1e-9
    assert abs(edited_h - api["h"][3][1]) > 1e-3  # and it really differs from the original
    # the h_{t-1} terms shown are the edited run's
    terms = root.locator(".eq-sum .eq-num").evaluate_all("ns => ns.map(n => +n.dataset.value)")
    assert 0.9 in terms

    toggle.locator("button", has_text="Original run").click()
    expect(root.locator(".eq-head")).to_contain_text("Original run")
    assert abs(equation_result(root) - api["h"][3][1]) < 1e-9
    expect(root.locator(".eq-check.ok")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"{w}\.eq=original"), timeout=3000)
    assert console_errors == []


def test_the_equation_follows_a_clamped_forget_gate(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    w = VARIANTS.lstrip("#")
    query = f"?{w}.view=stepper&{w}.fork=4.2.forget.1&{w}.unit=2&{w}.step=5"
    root = open_widget(page, live_server, VARIANTS, query)
    api = trace(
        page,
        live_server,
        cell="lstm",
        hidden_size=4,
        input=LONG,
        seed=0,
        weight_scale=1.0,
        overrides=[{"step": 4, "unit": 2, "target": "forget", "value": 1.0}],
    )
    expect(root.locator(".st-step-label")).to_have_text("5 / 23")
    expect(root.locator(".eq-head")).to_contain_text("Edited run")
    # the f line: what the gate computed, then the clamp; c and h recomputed from the clamp
    assert abs(value(root.locator(".eq-computed")) - api["gates"]["f"][4][2]) < 1e-9
    assert value(root.locator(".eq-edited")) == 1.0 == api["edited"]["gates"]["f"][4][2]
    expect(root.locator(".eq-override")).to_contain_text("the forget gate")
    expect(root.locator(".eq-override")).to_contain_text("recomputed from it")
    assert abs(equation_result(root) - api["edited"]["h"][4][2]) < 1e-9
    expect(root.locator(".eq-check.ok")).to_contain_text(shown(api["edited"]["c"][4][2], 4))
    assert row_values(root, "f", grid=1) == api["edited"]["gates"]["f"][4]
    assert console_errors == []


def gate_verdict(run: dict[str, Any], t: int, u: int) -> str:
    if run["cell"] == "lstm":
        return "keep" if run["gates"]["f"][t][u] > run["gates"]["i"][t][u] else "write"
    return "keep" if run["gates"]["z"][t][u] > 0.5 else "renew"


def test_predict_which_gate_dominates_with_the_keyboard(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    w = VARIANTS.lstrip("#")
    root = open_widget(page, live_server, VARIANTS, f"?{w}.view=stepper&{w}.step=1")
    lstm = trace(
        page, live_server, cell="lstm", hidden_size=4, input=LONG, seed=0, weight_scale=1.0
    )
    root.locator(".st-options input[type=checkbox]").first.focus()
    page.keyboard.press("Space")  # predict mode on
    root.locator('.st-q-kinds input[value="rise"]').focus()
    page.keyboard.press("ArrowRight")  # radio group: the next kind, "which gate dominates?"
    expect(root.locator('.st-q-kinds input[value="gate"]')).to_be_checked()
    expect(page).to_have_url(re.compile(rf"{w}\.guess=gate"), timeout=3000)

    root.locator(".st-stage").focus()
    right = 0
    for n, (key, guess) in enumerate([("Enter", "keep"), ("Tab Enter", "write")], start=1):
        page.keyboard.press("ArrowRight")  # asks first, does not step
        question = "forget gate f be larger than its input gate i"
        expect(root.locator(".st-q")).to_contain_text(question)
        expect(root.locator(".st-step-label")).to_have_text(f"{n} / 23")
        for k in key.split():
            page.keyboard.press(k)
        expect(root.locator(".st-step-label")).to_have_text(f"{n + 1} / 23")
        truth = gate_verdict(lstm, n, 0)
        right += guess == truth
        verdict = root.locator(".st-verdict")
        expect(verdict).to_have_attribute("data-truth", truth)
        expect(verdict).to_have_class("st-verdict right" if guess == truth else "st-verdict wrong")
        f, i = lstm["gates"]["f"][n][0], lstm["gates"]["i"][n][0]
        gates = f"forget gate f = {shown(f, 3)}, input gate i = {shown(i, 3)}"
        expect(verdict).to_contain_text(gates)
        expect(root.locator(".st-score")).to_have_text(f"Score: {right} of {n}")

    # the GRU's question is about z; the score runs on
    root.locator(".st-cell-pick label", has_text="GRU").click()
    expect(root.locator(".st-x")).to_contain_text("GRU")
    gru = trace(page, live_server, cell="gru", hidden_size=4, input=LONG, seed=0, weight_scale=1.0)
    # another cell is a new run: it starts at step 1, and the question comes at once
    expect(root.locator(".st-step-label")).to_have_text("1 / 23")
    expect(root.locator(".st-q")).to_contain_text("Step 2 reads")
    root.locator(".st-stage").focus()
    page.keyboard.press("ArrowRight")  # puts the keyboard on the answers
    expect(root.locator(".st-q")).to_contain_text("update gate z be above 0.5")
    page.keyboard.press("Enter")  # "Keep: z > 0.5"
    truth = gate_verdict(gru, 1, 0)
    right += truth == "keep"
    expect(root.locator(".st-verdict")).to_have_attribute("data-truth", truth)
    expect(root.locator(".st-verdict")).to_contain_text(f"z = {shown(gru['gates']['z'][1][0], 3)}")
    expect(root.locator(".st-score")).to_have_text(f"Score: {right} of 3")
    assert console_errors == []


def test_a_plain_rnn_offers_only_rise_or_fall(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, BASIC)
    root.locator(".st-options label", has_text="Predict").click()
    expect(root.locator('.st-q-kinds input[value="gate"]')).to_be_disabled()
    expect(root.locator('.st-q-kinds input[value="rise"]')).to_be_checked()
    expect(root.locator(".st-q-kinds")).to_contain_text("LSTM and GRU only")
    assert console_errors == []


def train_records(base: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    with httpx.stream("POST", f"{base}/api/engine/train", json=body, timeout=60) as r:
        assert r.status_code == 200
        return [json.loads(line) for line in r.iter_lines() if line]


def test_the_rnn_vs_lstm_preset_plots_what_the_stream_sent(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    w = TRAIN.lstrip("#")
    bodies: list[dict[str, Any]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/engine/train"):
            bodies.append(json.loads(request.post_data or "{}"))

    # The bodies are read as the page sends them; the records are fetched again below (a run
    # is deterministic for its request), not read from the page's streamed responses, whose
    # "finished" events can come late on a loaded machine.
    page.on("request", on_request)
    page.goto(f"{live_server}/lessons/rnn-gated?{w}.lengths=3,15&{w}.budget=150")
    root = page.locator(TRAIN)
    root.scroll_into_view_if_needed()
    button = root.locator(".st-train-actions button", has_text="Compare RNN and LSTM")
    expect(button).to_have_text("Compare RNN and LSTM as L grows (3, 15)")
    expect(root.locator(".st-preset-note")).to_contain_text("the same budget: 150 steps")
    button.click()
    expect(root.locator(".st-train-status")).to_contain_text("Done.", timeout=20_000)

    assert len(bodies) == 4
    streams = [(body, train_records(live_server, body)) for body in bodies]
    # the same budget for both cells: only the cell and L differ between requests
    budgets = {
        json.dumps(
            {k: v for k, v in body.items() if k not in ("cell", "parade_length")}, sort_keys=True
        )
        for body, _ in streams
    }
    assert len(budgets) == 1
    body = streams[0][0]
    assert (body["steps"], body["memory_bias"], body["hidden_size"]) == (150, 3, 8)
    streamed = {}
    for body, records in streams:
        last = [r for r in records if r["event"] == "progress"][-1]
        assert last["step"] == 150
        streamed[(body["cell"], body["parade_length"])] = last["accuracy"]

    series = json.loads(root.locator(".st-preset canvas").get_attribute("data-series") or "[]")
    plotted = {
        (cell, L): acc
        for cell, points in zip(["rnn", "lstm"], series, strict=True)
        for L, acc in points
    }
    assert plotted == streamed
    table = root.locator(".st-preset-table td[data-value]")
    cells = table.evaluate_all(
        "ts => ts.map(t => [t.dataset.cell, +t.dataset.length, +t.dataset.value])"
    )
    assert {(c, L): v for c, L, v in cells} == streamed
    # who still remembers the first float after 15 floats?
    assert streamed[("lstm", 15)] >= streamed[("rnn", 15)]
    assert streamed[("lstm", 15)] >= 0.9 > 0.5 > streamed[("rnn", 15)]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        root.locator(".st-preset").scroll_into_view_if_needed()
        root.screenshot(path=artifacts / f"stepper-preset-{width}.png")
    assert console_errors == []


def settle(root: Locator) -> None:
    """Wait until the parade has finished sliding (slow under load, so not a fixed pause)."""
    root.page.wait_for_function(
        "el => !el.getAnimations({ subtree: true }).length", arg=root.element_handle()
    )


def first_float(root: Locator, cell: str) -> float:
    return value(root.locator(f'.st-lane[data-cell="{cell}"] .st-float').first)


def expect_first_float(root: Locator, cell: str, expected: float) -> None:
    """Wait until the lane's first float shows `expected` (JS and Python print floats apart)."""
    root.page.wait_for_function(
        "([root, cell, v]) => +root.querySelector(`.st-lane[data-cell=${cell}] .st-float`)"
        "?.dataset.value === v",
        arg=[root.element_handle(), cell, expected],
    )


def test_the_parade_explains_untrained_gates_and_opens_them_in_one_click(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, VARIANTS)
    apis = {
        mb: {
            cell: trace(
                page,
                live_server,
                cell=cell,
                hidden_size=4,
                input=LONG,
                seed=0,
                weight_scale=1.0,
                memory_bias=mb,
            )
            for cell in ("rnn", "lstm")
        }
        for mb in (0.0, 3.0)
    }
    # at first sight: the parade's end, where the caption says the LSTM has nearly forgotten
    expect(root.locator(".st-step-label")).to_have_text("23 / 23")
    hint = root.locator(".st-memory")
    expect(hint).to_contain_text("Why does the LSTM forget almost as fast as the RNN?")
    expect(hint).to_contain_text("σ(0) ≈ 0.50")
    lstm_f = value(hint.locator('[data-gate="lstm"]'))
    assert abs(lstm_f - float(np.mean(apis[0.0]["lstm"]["gates"]["f"]))) < 1e-12
    assert 0.4 < lstm_f < 0.6
    expect_first_float(root, "lstm", apis[0.0]["lstm"]["influence"][-1][0])
    forgot = first_float(root, "lstm")
    assert first_float(root, "rnn") < forgot < 1e-4  # both have all but lost it
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        root.scroll_into_view_if_needed()
        settle(root)
        root.screenshot(path=artifacts / f"stepper-parade-untrained-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    hint.locator("button").focus()
    page.keyboard.press("Enter")  # one click (or key): memory bias 3
    expect(hint.locator("button")).to_have_text("Back to untrained gates (memory bias 0)")
    expect_first_float(root, "lstm", apis[3.0]["lstm"]["influence"][-1][0])
    expect(hint).to_contain_text("The gates start out remembering")
    expect(root.locator(".st-controls output").nth(2)).to_have_text("3.0")  # the slider follows
    expect(page).to_have_url(re.compile(r"variants-rnn-stepper-1\.bias=3"), timeout=3000)
    remembered = first_float(root, "lstm")
    assert remembered > 0.1 > 1e4 * forgot
    assert first_float(root, "rnn") == apis[3.0]["rnn"]["influence"][-1][0]  # no gate, no change
    assert value(hint.locator('[data-gate="lstm"]')) > 0.85
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        root.scroll_into_view_if_needed()
        settle(root)
        root.screenshot(path=artifacts / f"stepper-parade-remembering-{width}.png")
    assert console_errors == []


def test_a_parade_of_plain_rnns_has_no_gate_hint(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    root = open_widget(page, live_server, VANISH)
    expect(root.locator(".st-lane")).to_have_count(1)
    expect(root.locator(".st-memory")).to_be_hidden()
    assert console_errors == []


def test_screenshots_of_the_fork_equation_and_gate_prediction(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    w = VARIANTS.lstrip("#")
    query = (
        f"?{w}.view=stepper&{w}.fork=4.2.forget.1&{w}.unit=2&{w}.step=5"
        f"&{w}.predict=1&{w}.guess=gate"
    )
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        root = open_widget(page, live_server, VARIANTS, query)
        root.locator(".st-stage").focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        expect(root.locator(".st-verdict")).to_contain_text("forget gate f =")
        page.keyboard.press("ArrowLeft")  # back to the edited step
        if width < 760:  # a phone folds the equation: open it
            root.locator(".st-eq > summary").click()
        expect(root.locator(".eq-override")).to_be_visible()
        root.locator(".st-predict").screenshot(path=artifacts / f"stepper-predict-gate-{width}.png")
        root.locator(".st-eq").screenshot(path=artifacts / f"stepper-fork-equation-{width}.png")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width} px"
    assert console_errors == []
