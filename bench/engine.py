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

import numpy as np

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timing rounds per entry")
    parser.add_argument("--quick", action="store_true", help="only H=64, T=100")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(1)

    print(f"numpy {np.__version__}, BLAS: {blas_name()}", end="")
    print(f", OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
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
            params = init_params(cell, D, H, rng)
            xs = rng.normal(size=(T, D))
            dh = rng.normal(size=(T, H))
            ours_f = median_ms(lambda: forward(cell, params, xs), args.repeat)
            ours_fb = median_ms(lambda: backward(forward(cell, params, xs), dh), args.repeat)
            tf = {}
            if torch is not None:
                for dtype in (torch.float32, torch.float64):
                    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
                    net = module(D, H).to(dtype)
                    X = torch.tensor(xs, dtype=dtype)
                    dH = torch.tensor(dh, dtype=dtype)

                    def torch_fwd() -> None:
                        with torch.no_grad():
                            net(X)

                    def torch_fb() -> None:
                        out, _ = net(X)
                        out.backward(dH)

                    tf[(dtype, "f")] = median_ms(torch_fwd, args.repeat)
                    tf[(dtype, "fb")] = median_ms(torch_fb, args.repeat)

            def cell_text(key: tuple[object, str]) -> str:
                return f"{tf[key]:8.3f}" if key in tf else f"{'-':>8}"

            def ratio(ours: float, key: tuple[object, str]) -> str:
                return f"{ours / tf[key]:6.2f}" if key in tf else f"{'-':>6}"

            f32 = torch.float32 if torch is not None else None
            f64 = torch.float64 if torch is not None else None
            print(
                f"{cell:5} {H:>3} {T:>4} | {ours_f:8.3f} {cell_text((f32, 'f'))}"
                f" {ratio(ours_f, (f32, 'f'))} | {ours_fb:8.3f} {cell_text((f32, 'fb'))}"
                f" {cell_text((f64, 'fb'))} {ratio(ours_fb, (f32, 'fb'))}"
            )
    print("\nTargets at H=64, T=100: f+b x f32 <= 0.5 for rnn and gru, <= 2.5 for lstm.")


if __name__ == "__main__":
    main()
