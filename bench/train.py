"""Time one next-character training step of the engine beside PyTorch eager, in one run.

Run from the repository root:  .venv/bin/python bench/train.py [--rounds 21] [--quick]

One step = draw a batch of windows of the RNN lesson's text, forward, cross-entropy,
full BPTT, clip the global gradient norm at 1.0, Adam. PyTorch runs the same step
with nn.RNN/LSTM/GRU + nn.Linear in float32 (F.one_hot inputs, F.cross_entropy,
clip_grad_norm_, torch.optim.Adam). Both sides use one thread (threadpoolctl,
torch.set_num_threads(1)) and are timed in alternating rounds; "x f32" is the median
of the per-round ratios ours / torch float32. Needs `pip install -e '.[bench]'`.

Evaluation (accuracy on eval_size held-out windows) and sampling (60 characters), what
train_steps does every log_every steps, are timed on their own in a second table,
beside a float32 step: they are not part of a step.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import header, median, one_thread, paired_ms, ratio  # noqa: E402

from app.content.folder import load_folder  # noqa: E402
from app.engine.tasks import NextChar  # noqa: E402
from app.engine.train import (  # noqa: E402
    TrainConfig,
    Trainer,
    accuracy,
    sample_text,
)

CELLS = ("rnn", "gru", "lstm")
BASE = {"H": 64, "B": 32, "T": 32}  # the configuration the goals are stated for
# Issue 13's bounds on ours / torch float32 at BASE, for the trainer's float32 path
GOALS = {"rnn": 1.0, "gru": 1.0, "lstm": 1.5}
VARIANTS = [
    BASE,
    {**BASE, "H": 16},
    {**BASE, "H": 128},
    {**BASE, "B": 1},
    {**BASE, "B": 128},
    {**BASE, "T": 100},
]


def lesson_text() -> str:
    """Return the RNN lesson's section text, as the web app trains on by default."""
    lesson = load_folder(ROOT / "lessons" / "rnn")
    return " ".join(s.text for s in lesson.sections)


def ours_step(cell: str, H: int, B: int, T: int, text: str, dtype: str) -> Callable[[], object]:
    """Return a function that takes one training step of the engine (batch drawn inside)."""
    task = NextChar(text, seq_len=T)
    config = TrainConfig(cell=cell, hidden_size=H, batch_size=B, dtype=dtype, memory_bias=0.0)
    trainer = Trainer(config, task)
    return trainer.step


def torch_step(torch: Any, cell: str, H: int, B: int, T: int, text: str) -> Callable[[], object]:
    """Return a function that takes one float32 training step in PyTorch eager."""
    task = NextChar(text, seq_len=T)
    ids = torch.from_numpy(task.encode(text))
    V = task.n_classes
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    torch.manual_seed(0)
    net = module(V, H)
    head = torch.nn.Linear(H, V)
    params = [*net.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=0.01)
    rng = np.random.default_rng(0)
    offsets = torch.arange(T + 1)[:, None]
    F = torch.nn.functional

    def step() -> None:
        starts = torch.from_numpy(rng.integers(0, len(ids) - T, size=B))
        window = ids[starts[None, :] + offsets]  # (T+1, B)
        x = F.one_hot(window[:-1], V).float()  # (T, B, V)
        out, _ = net(x)
        loss = F.cross_entropy(head(out).reshape(-1, V), window[1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    return step


def goal(cell: str, H: int, B: int, T: int) -> float | None:
    """Return the issue's bound on ours / torch float32 for this row, or None (no goal)."""
    if (H, B, T) != (BASE["H"], BASE["B"], BASE["T"]):
        return None
    return GOALS[cell]


def train_table(torch: Any, text: str, rounds: int, quick: bool) -> None:
    """Print ours (float64 and float32) beside torch float32 for every cell and size."""
    head = (
        f"{'cell':5} {'H':>4} {'B':>4} {'T':>4} | {'f64 ms':>8} {'f32 ms':>8} {'torch ms':>8} |"
        f" {'f64 x':>6} {'f32 x':>6} | {'goal':>6} met"
    )
    print(head)
    print("-" * len(head))
    for cell in CELLS:
        for size in VARIANTS[:1] if quick else VARIANTS:
            H, B, T = size["H"], size["B"], size["T"]
            fns = {
                "f64": ours_step(cell, H, B, T, text, "float64"),
                "f32": ours_step(cell, H, B, T, text, "float32"),
                "torch": torch_step(torch, cell, H, B, T, text),
            }
            ms = paired_ms(fns, rounds)
            x32 = ratio(ms["f32"], ms["torch"])
            bound = goal(cell, H, B, T)
            verdict = "" if bound is None else f"{bound:6.2f} {'yes' if x32 <= bound else 'NO'}"
            print(
                f"{cell:5} {H:>4} {B:>4} {T:>4} | {median(ms['f64']):8.3f} {median(ms['f32']):8.3f}"
                f" {median(ms['torch']):8.3f} | {ratio(ms['f64'], ms['torch']):6.2f} {x32:6.2f} |"
                f" {verdict}".rstrip()
            )


def eval_table(text: str, rounds: int) -> None:
    """Print what one progress record costs beside a step: held-out accuracy and a sample.

    train_steps makes a record every log_every steps, so a record adds its cost divided
    by log_every to each step; the last column says how much that is.
    """
    every = TrainConfig().log_every
    print(
        f"\n{'cell':5} | {'step ms':>8} {'accuracy ms':>12} {'sample ms':>10} |"
        f" {'record / ' + str(every) + ' steps':>16}"
    )
    print("-" * 62)
    for cell in CELLS:
        task = NextChar(text, seq_len=BASE["T"])
        config = TrainConfig(cell=cell, hidden_size=BASE["H"], batch_size=BASE["B"])
        trainer = Trainer(config, task)  # float32, as train_steps trains
        xs, targets = task.inputs(trainer.eval_rng, config.eval_size)
        fns = {
            "step": trainer.step,
            "acc": partial(accuracy, trainer.model, xs, targets),
            "sample": partial(sample_text, trainer.model, task, trainer.sample_rng, 60),
        }
        ms = paired_ms(fns, rounds)
        m = {k: median(v) for k, v in ms.items()}
        share = (m["acc"] + m["sample"]) / (every * m["step"])
        print(
            f"{cell:5} | {m['step']:8.3f} {m['acc']:12.3f} {m['sample']:10.3f} |"
            f" {share:15.0%} of a step"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="paired timing rounds per row")
    parser.add_argument("--quick", action="store_true", help="only H=64, B=32, T=32")
    args = parser.parse_args()
    _limiter, torch = one_thread()
    if torch is None:
        sys.exit("bench/train.py compares with PyTorch: pip install -e '.[bench]'")
    text = lesson_text()
    print(header(torch))
    print(f"text: {len(text)} characters, vocabulary {len(set(text))}; Adam, clip 1.0")
    print(f"median ms per step over {args.rounds} paired rounds; x = ours / torch float32\n")
    train_table(torch, text, args.rounds, args.quick)
    print(
        "\ngoal: issue 13's bound on f32 x (the trainer's dtype) at H=64, B=32, T=32;"
        " the other rows have none"
    )
    eval_table(text, args.rounds)


if __name__ == "__main__":
    main()
