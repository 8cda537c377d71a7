"""Time the NumPy engine's forward and forward + BPTT beside PyTorch eager, in one run.

Run from the repository root:  .venv/bin/python bench/engine.py [--rounds 21] [--quick] [--floor]

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


def floor(H: int, T: int, dtype: str) -> Callable[[], object]:
    """Return the LSTM's per-step NumPy calls alone, forward then backward, nothing else.

    What no NumPy implementation can skip: per step forward, the product W_hh h_prev, the add
    of the input half, one tanh over the four gates' pre-activations, tanh(c), and the c and h
    updates (one multiply of [c_prev, i] by [f, g], one add, one multiply); backward, the add
    of dh, two multiplies and an add for dc and dZ, and the product W_hh^T dZ. No checks, no
    set-up, no weight gradients: if this alone is over the goal, only a compiled kernel
    (fewer, fused calls) can meet it.
    """
    rng = np.random.default_rng(0)
    W_hh_T = (rng.normal(size=(H, 4 * H)) / np.sqrt(H)).astype(dtype)  # (H, 4H)
    Z = rng.normal(size=(T, 4 * H)).astype(dtype)  # (T, 4H) input half
    dhs = rng.normal(size=(T, H)).astype(dtype)  # (T, H)
    Q = np.zeros((T + 1, 5 * H), dtype=dtype)  # rows [c_prev, i, f, g, o], as lstm.py
    Qp = Q[:-1]
    hs = np.empty((T, H), dtype=dtype)
    fc_ig = np.empty(2 * H, dtype=dtype)
    K0 = rng.random(size=(T, 4 * H)).astype(dtype) / 4  # (T, 4H) like lstm.py's K
    K = K0.copy()  # becomes dZ in place, so each run starts from K0 (the same finite numbers)
    E = np.zeros(4 * H, dtype=dtype)
    fk = np.empty(2 * H, dtype=dtype)
    FK = rng.random(size=(T, 2 * H)).astype(dtype) / 2
    dh_next = np.zeros(H, dtype=dtype)
    dot, add, multiply, tanh = np.dot, np.add, np.multiply, np.tanh
    rows = (Qp[:, H:], Qp[:, : 2 * H], Qp[:, 2 * H : 4 * H], Qp[:, 4 * H :], Q[1:, :H])
    fwd_steps = list(zip(Z, *rows, hs, strict=True))
    bwd_steps = list(zip(dhs, FK, K, strict=True))[::-1]
    dc_dh, dh, dc3 = E[2 * H :], E[3 * H :], E[: 3 * H].reshape(3, H)

    def run() -> None:
        K[...] = K0
        E[...] = dh_next[...] = 0.0
        h_prev = np.zeros(H, dtype=dtype)
        for z_in, z, c_prev_i, f_g, o, c, h in fwd_steps:
            dot(h_prev, W_hh_T, z)
            add(z, z_in, z)
            tanh(z, z)
            multiply(c_prev_i, f_g, fc_ig)
            add(fc_ig[:H], fc_ig[H:], c)
            tanh(c, h)
            h_prev = multiply(o, h, h)
        for dh_out, fkt, dz in bwd_steps:
            add(dh_out, dh_next, dh)
            multiply(dc_dh, fkt, fk)
            add(fk[:H], fk[H:], dc3)
            multiply(dz, E, dz)
            dot(W_hh_T, dz, dh_next)

    return run


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


def floor_table(torch: Any, sizes: list[tuple[int, int]], args: argparse.Namespace) -> None:
    """Print the LSTM floor (see floor) beside the engine's f+b and torch float32's."""
    print("\nLSTM floor: the per-step NumPy calls alone (see floor()), f+b, batch 1")
    head = (
        f"{'H':>3} {'T':>4} | {'f64 f+b':>8} {'floor64':>8} {'floor32':>8} {'torch':>8} |"
        f" {'f64 x':>6} {'floor64 x':>9} {'floor32 x':>9}"
    )
    print(head)
    print("-" * len(head))
    for H, T in sizes:
        fns = {
            "f64_fb": ours("lstm", H, T, "float64")[1],
            "floor64": floor(H, T, "float64"),
            "floor32": floor(H, T, "float32"),
            "t_fb": theirs(torch, "lstm", H, T)[1],
        }
        ms = paired_ms(fns, args.rounds, CLOCKS[args.clock])
        m = {k: median(v) for k, v in ms.items()}
        print(
            f"{H:>3} {T:>4} | {m['f64_fb']:8.3f} {m['floor64']:8.3f} {m['floor32']:8.3f}"
            f" {m['t_fb']:8.3f} | {ratio(ms['f64_fb'], ms['t_fb']):6.2f}"
            f" {ratio(ms['floor64'], ms['t_fb']):9.2f} {ratio(ms['floor32'], ms['t_fb']):9.2f}"
        )


def met(x: float, goal: float) -> str:
    return "yes" if x <= goal else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="paired timing rounds per row")
    parser.add_argument("--quick", action="store_true", help="only H=64, T=100")
    parser.add_argument(
        "--floor", action="store_true", help="also the LSTM's per-step NumPy calls alone"
    )
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
            x64, x32 = ratio(ms["f64_fb"], ms["t_fb"]), ratio(ms["f32_fb"], ms["t_fb"])
            verdict = ""
            if (H, T) == (64, 100):
                goal = GOALS[cell]
                verdict = f"{goal:5.2f} f64 {met(x64, goal)}, f32 {met(x32, goal)}"
            print(
                f"{cell:5} {H:>3} {T:>4} | {m['f64_f']:8.3f} {m['f32_f']:8.3f} {m['t_f']:8.3f}"
                f" {ratio(ms['f64_f'], ms['t_f']):6.2f} | {m['f64_fb']:8.3f} {m['f32_fb']:8.3f}"
                f" {m['t_fb']:8.3f} {x64:6.2f} {x32:6.2f} |"
                f" {verdict}".rstrip()
            )
    if args.floor:
        floor_table(torch, sizes, args)
    print(
        "\ngoal: issue 13's bound on f+b x at H=64, T=100, judged for float64 (the traces)"
        " and float32 (the trainer's dtype)"
    )


if __name__ == "__main__":
    main()
