"""Time the NumPy engine's forward and forward + BPTT beside PyTorch eager, in one run.

Run from the repository root:  .venv/bin/python bench/engine.py [--rounds 21] [--quick]

Each cell is timed for forward alone and forward + backward, at batch 1, D = 32,
H in {16, 64}, T in {20, 100}: float64 (what traces use), float32, and torch float32
(nn.RNN / nn.LSTM / nn.GRU). Both sides use one thread (threadpoolctl,
torch.set_num_threads(1)) and are timed in alternating rounds of CPU time (see
bench/timing.py); "x" is the median of the per-round ratios ours / torch float32.
Needs `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import CLOCKS, header, median, one_thread, paired_ms, ratio  # noqa: E402

from app.engine import backward, forward, init_params  # noqa: E402

CELLS = ("rnn", "gru", "lstm")
D = 32
# Issue 13's bounds on f64 f+b x (the float64 path traces use) at H=64, T=100
GOALS = {"rnn": 0.25, "gru": 0.25, "lstm": 1.5}


def ours(
    cell: str, H: int, T: int, dtype: str
) -> tuple[Callable[[], object], Callable[[], object]]:
    """Return (forward, forward + backward) of the engine in `dtype` on random inputs."""
    rng = np.random.default_rng(0)
    params = init_params(cell, D, H, rng)
    xs = rng.normal(size=(T, D))
    dh = rng.normal(size=(T, H))

    def fwd() -> None:
        forward(cell, params, xs, dtype=dtype)

    def fwd_bwd() -> None:
        backward(forward(cell, params, xs, dtype=dtype), dh)

    return fwd, fwd_bwd


def theirs(
    torch: Any, cell: str, H: int, T: int
) -> tuple[Callable[[], object], Callable[[], object]]:
    """Return (forward, forward + backward) of torch.nn eager in float32."""
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    torch.manual_seed(0)
    net = module(D, H)
    X = torch.randn(T, D)
    dH = torch.randn(T, H)

    def fwd() -> None:
        with torch.no_grad():
            net(X)

    def fwd_bwd() -> None:
        out, _ = net(X)
        out.backward(dH)

    return fwd, fwd_bwd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="paired timing rounds per row")
    parser.add_argument("--quick", action="store_true", help="only H=64, T=100")
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="cpu", help="CPU or wall time")
    args = parser.parse_args()
    _limiter, torch = one_thread()
    if torch is None:
        sys.exit("bench/engine.py compares with PyTorch: pip install -e '.[bench]'")
    print(header(torch))
    print(f"batch 1, D={D}; median ms ({args.clock} time) over {args.rounds} paired rounds;")
    print("x = ours / torch float32, the median of per-round ratios\n")
    sizes = [(64, 100)] if args.quick else [(16, 20), (16, 100), (64, 20), (64, 100)]
    head = (
        f"{'cell':5} {'H':>3} {'T':>4} | {'f64 fwd':>8} {'f32 fwd':>8} {'torch':>8} {'f64 x':>6} |"
        f" {'f64 f+b':>8} {'f32 f+b':>8} {'torch':>8} {'f64 x':>6} {'f32 x':>6} | {'goal':>5} met"
    )
    print(head)
    print("-" * len(head))
    for cell in CELLS:
        for H, T in sizes:
            (f64_f, f64_fb), (f32_f, f32_fb) = (
                ours(cell, H, T, "float64"),
                ours(cell, H, T, "float32"),
            )
            t_f, t_fb = theirs(torch, cell, H, T)
            fns = {
                "f64_f": f64_f,
                "f32_f": f32_f,
                "t_f": t_f,
                "f64_fb": f64_fb,
                "f32_fb": f32_fb,
                "t_fb": t_fb,
            }
            ms = paired_ms(fns, args.rounds, CLOCKS[args.clock])
            m = {k: median(v) for k, v in ms.items()}
            x64 = ratio(ms["f64_fb"], ms["t_fb"])
            verdict = ""
            if (H, T) == (64, 100):
                verdict = f"{GOALS[cell]:5.2f} {'yes' if x64 <= GOALS[cell] else 'NO'}"
            print(
                f"{cell:5} {H:>3} {T:>4} | {m['f64_f']:8.3f} {m['f32_f']:8.3f} {m['t_f']:8.3f}"
                f" {ratio(ms['f64_f'], ms['t_f']):6.2f} | {m['f64_fb']:8.3f} {m['f32_fb']:8.3f}"
                f" {m['t_fb']:8.3f} {x64:6.2f} {ratio(ms['f32_fb'], ms['t_fb']):6.2f} |"
                f" {verdict}".rstrip()
            )
    print("\ngoal: issue 13's bound on f64 f+b x (traces run in float64) at H=64, T=100")


if __name__ == "__main__":
    main()
