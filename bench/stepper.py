"""Benchmark the stepper in real Chromium: step render time and the lesson page's weight.

Run: .venv/bin/python bench/stepper.py   (starts its own server on a free port)
     .venv/bin/python bench/stepper.py --base DIR   (also serves DIR, an exported older tree such
         as `git archive <commit> | tar -x -C DIR`, and times both in the same run, alternating)
     .venv/bin/python bench/stepper.py --lstm   (only the single-lane LSTM step and jump)
     .venv/bin/python bench/stepper.py --api   (only the trace requests' time and bytes per view)

1. Render time of one step at H=64, T=200 with three parade lanes (RNN, LSTM, GRU), and in the
   single-lane stepper view: performance.now() around a move of the scrubber (its input event
   runs the step), once for the DOM writes alone and once including the style and layout they
   cause (a forced reflow). The page is driven as a student drives it, never through the
   widget's internals. Targets: a step p95 < 16 ms, one frame; a jump of 37 steps p95 < 33 ms.
2. Bytes transferred (gzip where the server compresses) to load the lesson page with every
   widget showing its first trace, beside the uncompressed size. Target: < 250 KB transferred.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.sync_api import Page, Request, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("PARADE_CHROMIUM", "/usr/bin/chromium")
WIDGET = "variants-rnn-stepper-1"  # nothing locked: three lanes
LESSON = "rnn-gated"  # the lesson the widget sits in
TEXT = "the first float leads the parade and the last one closes it. " * 4
INPUT = TEXT[:200]
GOAL_STEP_MS, GOAL_JUMP_MS = 16, 33  # one frame; two frames for a 37-step jump
BUDGET_KB = 250  # the lesson page with every widget, as transferred

MEASURE = """async ([id, steps, jump]) => {
  const scrub = document.getElementById(id).querySelector(".st-scrub");
  const T = +scrub.max;
  const goTo = (t) => { scrub.value = String(t + 1); scrub.dispatchEvent(new Event("input")); };
  const js = [], frame = [];
  goTo(0);
  for (let i = 1; i <= steps; i++) {
    const t = (i * jump) % T;            // jump 1: step forward as → or play does
    const t0 = performance.now();
    goTo(t);
    const t1 = performance.now();
    document.body.offsetHeight;          // force the style and layout this step causes
    const t2 = performance.now();
    js.push(t1 - t0);
    frame.push(t2 - t0);
    await new Promise(requestAnimationFrame);  // one step per frame, as when playing
  }
  return {js, frame};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(tmp: Path, root: Path = ROOT) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "PARADE_LESSONS_DIR": str(root / "lessons"),
        "PARADE_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "PARADE_SECRET_KEY": "bench-secret-" + "x" * 40,
        "PARADE_WATCH_LESSONS": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine starts slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def render_times(page: Page, base: str, view: str, cell: str, jump: int) -> dict[str, list[float]]:
    state = {"view": view, "cell": cell, "hidden": 64, "input": INPUT, "step": 1}
    query = urlencode({f"{WIDGET}.{k}": v for k, v in state.items()})
    page.goto(f"{base}/lessons/{LESSON}?{query}#{WIDGET}")
    root = page.locator(f"#{WIDGET}")
    root.scroll_into_view_if_needed()
    # waits through expect() and page.evaluate only: the page's CSP allows no eval, which a
    # string predicate for wait_for_function would need. Read from the page alone (an older
    # tree has no data- hooks): 200 steps on the scrubber, 64 painted units, then every trace
    # request answered (the memory meters included)
    expect(root.locator(".st-scrub")).to_have_attribute("max", "200", timeout=60_000)
    expect(root.locator("[data-row=h] .st-cell[data-value]")).to_have_count(64, timeout=60_000)
    page.wait_for_load_state("networkidle")
    expect(root.locator(".st-stage[aria-busy]")).to_have_count(0, timeout=60_000)
    page.evaluate(MEASURE, [WIDGET, 20, jump])  # warm up
    result: dict[str, list[float]] = page.evaluate(MEASURE, [WIDGET, 199, jump])
    return result


def page_weight(page: Page, base: str) -> dict[str, list[int]]:
    """Return {kind: [requests, bytes transferred, bytes uncompressed, gzip-encoded requests]}.

    Transferred is what crossed the wire (headers plus the body as sent, gzip where the
    server compressed it); uncompressed is the body after decoding, plus the same headers.
    """
    sizes: dict[str, list[int]] = {}

    def on_finished(request: Request) -> None:
        s = request.sizes()
        response = request.response()
        kind = "api (traces)" if "/api/engine/" in request.url else request.resource_type
        body = response.body() if response else b""
        headers = s["responseHeadersSize"]
        gzipped = bool(response and response.headers.get("content-encoding") == "gzip")
        row = sizes.setdefault(kind, [0, 0, 0, 0])
        row[0] += 1
        row[1] += s["responseBodySize"] + headers
        row[2] += len(body) + headers
        row[3] += gzipped

    page.on("requestfinished", on_finished)
    page.goto(f"{base}/lessons/{LESSON}")
    for widget in page.locator(".widget[data-widget=rnn-stepper]").all():
        widget.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    return sizes


def _post_all(
    client: httpx.Client, base: str, bodies: list[dict[str, object]]
) -> tuple[float, int, float]:
    """POST `bodies` at once (as the page does); return (seconds until all answered, bytes
    sent, seconds until the first body's answer)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(body: dict[str, object]) -> tuple[int, float]:
        with client.stream(
            "POST", f"{base}/api/engine/trace", json=body, headers={"accept-encoding": "gzip"}
        ) as r:
            r.read()
            assert r.status_code == 200, r.text
            return int(r.num_bytes_downloaded), time.perf_counter() - t0

    t0 = time.perf_counter()
    with ThreadPoolExecutor(len(bodies)) as pool:
        answers = list(pool.map(one, bodies))
    return time.perf_counter() - t0, sum(a[0] for a in answers), answers[0][1]


def api_requests(base: str) -> list[tuple[str, str, float, float, int]]:
    """Time and bytes (gzip, as transferred) of the trace requests a view makes at H=64, T=200.

    "before" is the widget's old pattern (every trace with the memory meter and the weights);
    "after" is the current one: the states first (first paint), the meter in parallel and
    without the student's edits (so adding an edit reuses it), the weights once per network.
    Each case uses a fresh seed so the server's cache never answers.
    """
    rows = []
    seed = iter(range(10_000, 20_000))
    with httpx.Client(timeout=120) as client:

        def net(cell: str, **kw: object) -> dict[str, object]:
            return {
                "cell": cell,
                "hidden_size": 64,
                "input": INPUT,
                "weight_scale": 1.0,
                "memory_bias": 0,
                "overrides": [],
                "include_influence": True,
                "include_params": False,
                **kw,
            }

        for view, cells in (
            ("stepper, new input", ["lstm"]),
            ("parade, 3 lanes", ["lstm", "rnn", "gru"]),
        ):
            s = next(seed)
            old = [net(c, seed=s, include_params=c == cells[0]) for c in cells]
            t, b, t_main = _post_all(client, base, old)
            rows.append((view, "before: one answer each, meter + weights", t_main, t, b))
            s2 = next(seed)
            t_all, b_all, t_first = _post_all(
                client,
                base,
                [net(cells[0], seed=s2, include_influence=False)]
                + [net(c, seed=s2) for c in cells],
            )
            rows.append((view, "after: states first, meters in parallel", t_first, t_all, b_all))
        fork = [{"step": 3, "unit": 1, "target": "h", "value": 0.5}]
        s = next(seed)
        t, b, _ = _post_all(
            client, base, [net("lstm", seed=s, overrides=fork, include_params=True)]
        )
        rows.append(("stepper, add an edit", "before: meter recomputed", t, t, b))
        s = next(seed)
        t, b, _ = _post_all(
            client, base, [net("lstm", seed=s, overrides=fork, include_influence=False)]
        )
        rows.append(("stepper, add an edit", "after: states only (meter cached)", t, t, b))
        s = next(seed)
        t, b, _ = _post_all(
            client,
            base,
            [net("lstm", seed=s, input=" ", include_influence=False, include_params=True)],
        )
        rows.append(("equation opened", "after: the weights, once per network", t, t, b))
    return rows


def main() -> None:
    if "--api" in sys.argv:  # only the trace API's time and bytes per view
        with tempfile.TemporaryDirectory() as tmp:
            proc, base = serve(Path(tmp))
            try:
                rows = api_requests(base)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        print("\nTrace requests per view, H=64, T=200 (gzip bytes as transferred)")
        print(f"{'view':<22} {'pattern':<42} {'first paint s':>13} {'all s':>6} {'KB':>7}")
        for view, how, first, everything, size in rows:
            print(f"{view:<22} {how:<42} {first:13.2f} {everything:6.2f} {size / 1024:7.0f}")
        return
    older = Path(sys.argv[sys.argv.index("--base") + 1]) if "--base" in sys.argv else None
    cases = [
        ("parade", "lstm", 1),
        ("parade", "lstm", 37),
        ("stepper", "lstm", 1),
        ("stepper", "gru", 1),
        ("stepper", "lstm", 37),
    ]
    if "--lstm" in sys.argv:  # only the single-lane LSTM cases the goals are about
        cases = [c for c in cases if c[0] == "stepper" and c[1] == "lstm"]
    # {(case label, what): {"now" | "base": times}}
    times: dict[tuple[str, str], dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as tmp_base:
        servers = {"now": serve(Path(tmp))}
        if older:
            servers["base"] = serve(Path(tmp_base), older.resolve())
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                for view, cell, jump in cases:
                    lanes = "3 lanes" if view == "parade" else "1 lane"
                    how = "step" if jump == 1 else f"jump {jump}"
                    label = f"{view} ({lanes}, {cell}), {how}"
                    for which, (_, url) in servers.items():  # alternating: the same load on both
                        result = render_times(page, url, view, cell, jump)
                        for what, key in (("JS", "js"), ("JS+style+layout", "frame")):
                            times.setdefault((label, what), {})[which] = result[key]
                page.close()
                sizes: dict[str, list[int]] = {}
                if "--lstm" not in sys.argv:
                    weight_page = browser.new_page(viewport={"width": 1280, "height": 900})
                    sizes = page_weight(weight_page, servers["now"][1])
                browser.close()
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=10)

    print("\nStep render time, H=64, T=200 (200 steps each, ms)")
    head = f"{'case':<38} {'what':<16} {'median':>7} {'p95':>7} {'max':>7}"
    print(head + (f" {'base med':>8} {'base p95':>8} {'p95 ratio':>9}" if older else ""))
    for (label, what), runs in times.items():
        v = runs["now"]
        row = f"{label:<38} {what:<16} {statistics.median(v):7.2f} {percentile(v, 95):7.2f}"
        row += f" {max(v):7.2f}"
        if older:
            b = runs["base"]
            ratio = percentile(v, 95) / percentile(b, 95)
            row += f" {statistics.median(b):8.2f} {percentile(b, 95):8.2f} {ratio:9.2f}"
        print(row)
    print("\nGoals, single-lane LSTM, JS+style+layout p95 (issue 13)")
    for how, goal in (("step", GOAL_STEP_MS), ("jump 37", GOAL_JUMP_MS)):
        v = times[(f"stepper (1 lane, lstm), {how}", "JS+style+layout")]["now"]
        p95 = percentile(v, 95)
        met = "met" if p95 < goal else "NOT met"
        print(f"  {how:<8} p95 {p95:6.2f} ms   goal < {goal} ms   {met}")
    if "--lstm" in sys.argv:
        return
    print("\nLesson page, every widget showing its first trace (KB)")
    print(f"{'kind':<16} {'requests':>8} {'gzip':>5} {'transferred':>12} {'uncompressed':>13}")
    for kind, (n, sent, raw, gz) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
        print(f"{kind:<16} {n:8d} {gz:5d} {sent / 1024:12.1f} {raw / 1024:13.1f}")
    n, sent, raw, gz = (sum(col) for col in zip(*sizes.values(), strict=True))
    verdict = "within" if sent < BUDGET_KB * 1024 else "OVER"
    print(
        f"{'total':<16} {n:8d} {gz:5d} {sent / 1024:12.1f} {raw / 1024:13.1f}"
        f"   ({verdict} the {BUDGET_KB} KB budget, transferred)"
    )


if __name__ == "__main__":
    main()
