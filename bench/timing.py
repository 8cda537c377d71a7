"""Shared timing helpers for the engine benchmarks: one thread, paired rounds, medians.

The machines these run on are shared and noisy, so the engine and PyTorch are timed in
alternating rounds (ours, torch, ours, torch, ...): a burst of load hits both sides of
a pair, and the median of the per-round ratios is far steadier than a ratio of two
medians taken minutes apart. The clock is the process's CPU time by default: with
more runnable processes than cores, wall time mostly measures waiting for a core;
CPU time still rises with cache and memory-bus contention, but far less.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def one_thread() -> tuple[Any, Any]:
    """Pin BLAS (threadpoolctl) and torch to one thread; return (limiter, torch or None)."""
    from threadpoolctl import threadpool_limits

    limiter = threadpool_limits(limits=1)
    torch: Any
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
    return limiter, torch


Clock = Callable[[], float]
CLOCKS: dict[str, Clock] = {"cpu": time.process_time, "wall": time.perf_counter}


def calls_per_round(fn: Callable[[], object], seconds: float, clock: Clock) -> int:
    """Return how many calls of fn take about `seconds` (after a warm-up call)."""
    fn()
    start = clock()
    fn()
    one = max(clock() - start, 1e-7)
    return max(1, int(seconds / one))


def paired_ms(
    fns: dict[str, Callable[[], object]],
    rounds: int,
    clock: Clock = time.process_time,
    seconds: float = 0.03,
) -> dict[str, list[float]]:
    """Return per-round ms per call for each fn, the fns timed in turn within each round."""
    numbers = {name: calls_per_round(fn, seconds, clock) for name, fn in fns.items()}
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            n = numbers[name]
            start = clock()
            for _ in range(n):
                fn()
            out[name].append((clock() - start) / n * 1e3)
    return out


def median(values: list[float]) -> float:
    """Return the median of values."""
    return statistics.median(values)


def ratio(ours: list[float], theirs: list[float]) -> float:
    """Return the median of the per-round ratios ours / theirs (paired rounds)."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def header(torch: Any) -> str:
    """Return a line naming numpy's BLAS, torch's version and the thread settings."""
    from threadpoolctl import threadpool_info

    blas = ", ".join(
        f"{i['internal_api']} {i['version']} ({i['num_threads']} thread)" for i in threadpool_info()
    )
    load = os.getloadavg()
    line = f"numpy {np.__version__}, BLAS {blas}"
    if torch is not None:
        line += f"; torch {torch.__version__}, {torch.get_num_threads()} thread"
    return line + f"; load average {load[0]:.1f} on {os.cpu_count()} cores"
