"""Benchmark the Train view in real Chromium: the student's wait against the server's work.

Run: .venv/bin/python bench/trainview.py   (starts its own server on a free port)

For each case the page is driven as a student drives it: the widget opened from a URL, the
Train (or Compare) button clicked. In the page, a capture listener notes when the click
happened and a MutationObserver notes when a chart last changed (each record redraws its
chart, writing the canvas's data-series). The streamed responses are read as the page got
them: their `end` records carry the server's compute seconds, and their progress records
are counted. Issue 13's goal: the wait, from the click to the last chart point, is within
20 % of the server's compute time plus one frame (1/60 s) per record: ratio <= 1.2.
Cases: a plain RNN on "remember the first float", 400 steps; a next-character LSTM, 2,000
steps; the RNN-vs-LSTM preset (8 runs of 800 steps). Each case loads a fresh page, and no
two requests are alike, so the server's cache of finished runs never answers.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stepper import CHROMIUM, serve  # noqa: E402

WIDGET = "variants-rnn-stepper-2"  # the Train view, nothing locked
LESSON = "rnn-gated"
FRAME_S = 1 / 60
GOAL = 1.2  # the wait / (server compute + one frame per record)

# label, the widget's URL state, the button's text, the chart it draws last
CASES = [
    ("RNN, remember first, 400 steps", {"cell": "rnn", "steps": 400}, "Train", ".st-loss"),
    (
        "LSTM, next char, 2000 steps",
        {"cell": "lstm", "task": "next_char", "steps": 2000},
        "Train",
        ".st-loss",
    ),
    ("RNN vs LSTM preset, 8 x 800 steps", {}, "Compare RNN and LSTM", ".st-preset"),
]

# Installed before the click: note the click's time and every chart redraw's, and keep a copy
# of each training stream (a clone of the response, read beside the page's own reading: the
# browser does not keep a streamed body for the DevTools protocol to return).
WATCH = """([id, chart]) => {
  const root = document.getElementById(id);
  const t = { clicked: null, last: null, redraws: 0, bodies: [], read: 0 };
  window.__trainview = t;
  const fetchFirst = window.__fetch || window.fetch;
  window.__fetch = fetchFirst;
  window.fetch = async (...args) => {
    const response = await fetchFirst(...args);
    if (String(args[0]).endsWith("/api/engine/train")) {
      t.bodies.push(response.clone().text().then((body) => { t.read += 1; return body; }));
    }
    return response;
  };
  const noteClick = () => { if (t.clicked === null) t.clicked = performance.now(); };
  root.addEventListener("click", noteClick, { capture: true });
  const redrawn = () => { t.last = performance.now(); t.redraws += 1; };
  const watched = { subtree: true, attributes: true, attributeFilter: ["data-series"] };
  new MutationObserver(redrawn).observe(root.querySelector(chart), watched);
}"""
RESULT = """async () => {
  const t = window.__trainview;
  return { clicked: t.clicked, last: t.last, bodies: await Promise.all(t.bodies) };
}"""


ENDED = """([id, button]) => {
  const t = window.__trainview;
  const go = [...document.querySelectorAll(`#${id} .st-train-actions button`)]
    .find((b) => b.textContent.includes(button));
  return t.bodies.length > 0 && t.read === t.bodies.length && !go.disabled;
}"""


def wait_for_the_runs(page: Page, button: str, seconds: float = 300) -> None:
    """Wait until every training stream the click started has been read to its end and the
    button is back. (Not "disabled, then enabled": a short run can end between two looks.)"""
    deadline = time.monotonic() + seconds
    while not page.evaluate(ENDED, [WIDGET, button]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{button}: the runs did not end within {seconds} s")
        time.sleep(0.05)


def one_case(
    page: Page, base: str, state: dict[str, object], button: str, chart: str
) -> dict[str, float]:
    """Return {wait, server, records, runs} of one case: seconds, seconds, counts."""
    query = urlencode({f"{WIDGET}.{k}": v for k, v in {"view": "train", **state}.items()})
    page.goto(f"{base}/lessons/{LESSON}?{query}#{WIDGET}")
    root = page.locator(f"#{WIDGET}")
    root.scroll_into_view_if_needed()
    go = root.locator(".st-train-actions button", has_text=button)
    expect(go).to_be_enabled()
    page.evaluate(WATCH, [WIDGET, chart])
    go.click()
    wait_for_the_runs(page, button)
    t = page.evaluate(RESULT)
    records = [json.loads(line) for body in t["bodies"] for line in body.splitlines() if line]
    ends = [r for r in records if r["event"] == "end"]
    assert ends and all(r["reason"] == "finished" for r in ends), ends
    return {
        "wait": (t["last"] - t["clicked"]) / 1000,
        "server": sum(r["seconds"] for r in ends),
        "records": sum(r["event"] == "progress" for r in records),
        "runs": len(ends),
    }


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = serve(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                for label, state, button, chart in CASES:
                    rows.append((label, one_case(page, base, state, button, chart)))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print("\nTrain view: click to last chart point vs server compute + one frame per record")
    print("(/server: the wait over the server's compute alone; ratio: over compute + frames)")
    head = (
        f"{'case':<34} {'runs':>4} {'records':>7} {'server s':>8} {'+frames s':>9}"
        f" {'wait s':>7} {'/server':>7} {'ratio':>6}   goal"
    )
    print(head)
    print("-" * len(head))
    for label, r in rows:
        budget = r["server"] + r["records"] * FRAME_S
        ratio = r["wait"] / budget
        met = "met" if ratio <= GOAL else "NOT met"
        print(
            f"{label:<34} {r['runs']:4d} {r['records']:7d} {r['server']:8.2f} {budget:9.2f}"
            f" {r['wait']:7.2f} {r['wait'] / r['server']:7.2f} {ratio:6.2f}   <= {GOAL} {met}"
        )


if __name__ == "__main__":
    main()
