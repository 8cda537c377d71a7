"""Time the NumPy engine against PyTorch eager (one thread) and print a table.

Run from the repository root:  python bench/engine.py [--repeat 15] [--quick]

Each cell is timed for forward alone and forward + backward, at batch 1, D = 32,
H in {16, 64}, T in {20, 100}. Times are medians over `--repeat` rounds of a
timeit-style loop, in milliseconds. Where torch is importable, torch float32 and
float64 (nn.RNN / nn.LSTM / nn.GRU, torch.set_num_threads(1)) run in the same
process, and "x f32" is ours divided by torch float32.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

# One BLAS thread, like torch.set_num_threads(1) below: at these sizes threads only
# add synchronisation, and under load they can make a run ten times slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine import backward, forward, init_params  # noqa: E402

CELLS = ("rnn", "lstm", "gru")
D = 32


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Return the median time of one call to fn, in milliseconds (timeit-style loops)."""
    fn()  # warm up caches and lazy initialisation
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()  # enough calls per round to last >= 0.2 s
    number = max(1, number // 4)
    rounds = timer.repeat(repeat=repeat, number=number)
    return statistics.median(rounds) / number * 1e3


def blas_name() -> str:
    """Return a short description of the BLAS numpy links against."""
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]  # type: ignore[index]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # show_config's layout varies between numpy versions
        return "unknown"


def time_ours(
    cell: str, H: int, T: int, rng: np.random.Generator, repeat: int
) -> tuple[float, float]:
    """Return (forward, forward + backward) median ms for the NumPy engine."""
    params = init_params(cell, D, H, rng)
    xs = rng.normal(size=(T, D))
    dh = rng.normal(size=(T, H))
    fwd = median_ms(lambda: forward(cell, params, xs), repeat)
    fwd_bwd = median_ms(lambda: backward(forward(cell, params, xs), dh), repeat)
    return fwd, fwd_bwd


def time_torch(
    torch: Any, cell: str, H: int, T: int, dtype: Any, repeat: int
) -> tuple[float, float]:
    """Return (forward, forward + backward) median ms for torch.nn eager in `dtype`."""
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    net = module(D, H).to(dtype)
    X = torch.randn(T, D, dtype=dtype)
    dH = torch.randn(T, H, dtype=dtype)

    def fwd() -> None:
        with torch.no_grad():
            net(X)

    def fwd_bwd() -> None:
        out, _ = net(X)
        out.backward(dH)

    return median_ms(fwd, repeat), median_ms(fwd_bwd, repeat)


def row(cell: str, H: int, T: int, rng: np.random.Generator, torch: Any, repeat: int) -> str:
    """Return one table row: ours, torch float32 and float64, and the ratios to float32."""
    ours_f, ours_fb = time_ours(cell, H, T, rng, repeat)
    if torch is None:
        return (
            f"{cell:5} {H:>3} {T:>4} | {ours_f:8.3f} {'-':>8} {'-':>6} |"
            f" {ours_fb:8.3f} {'-':>8} {'-':>8} {'-':>6}"
        )
    f32_f, f32_fb = time_torch(torch, cell, H, T, torch.float32, repeat)
    _, f64_fb = time_torch(torch, cell, H, T, torch.float64, repeat)
    return (
        f"{cell:5} {H:>3} {T:>4} | {ours_f:8.3f} {f32_f:8.3f} {ours_f / f32_f:6.2f} |"
        f" {ours_fb:8.3f} {f32_fb:8.3f} {f64_fb:8.3f} {ours_fb / f32_fb:6.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timing rounds per entry")
    parser.add_argument("--quick", action="store_true", help="only H=64, T=100")
    args = parser.parse_args()

    torch: Any
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(1)

    print(f"numpy {np.__version__}, BLAS: {blas_name()}", end="")
    print(f", OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}", end="")
    print(f", OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    if torch is not None:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    else:
        print("torch not importable: PyTorch columns are left empty")
    print(f"batch 1, D={D}; median ms over {args.repeat} rounds\n")

    sizes = [(64, 100)] if args.quick else [(16, 20), (16, 100), (64, 20), (64, 100)]
    header = (
        f"{'cell':5} {'H':>3} {'T':>4} | {'ours fwd':>8} {'f32 fwd':>8} {'x f32':>6} |"
        f" {'ours f+b':>8} {'f32 f+b':>8} {'f64 f+b':>8} {'x f32':>6}"
    )
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    for cell in CELLS:
        for H, T in sizes:
            print(row(cell, H, T, rng, torch, args.repeat))
    print("\nTargets at H=64, T=100: f+b x f32 <= 0.5 for rnn and gru, <= 2.5 for lstm.")


if __name__ == "__main__":
    main()
