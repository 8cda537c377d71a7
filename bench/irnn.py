"""Which start lets a plain RNN remember the first float: PyTorch's default, orthogonal, IRNN.

Run from the repository root:

    .venv/bin/python bench/irnn.py [--lengths 20 40] [--seeds 8] [--lr 0.01 0.001]
                                   [--steps 1000] [--hidden 8] [--learnt 0.9]

For each parade length L and learning rate, trains a plain RNN (H units, Adam, batch 32,
gradients clipped at norm 1, float32 as the Train view does) on remember-the-first-float
(app/engine/tasks.py RememberFirst, 4 values: chance is 25%) from each of three starts:

- tanh + pytorch:    W_hh uniform in ±1/sqrt(H) (spectral radius about 0.6), tanh units
- tanh + orthogonal: W_hh a random orthogonal matrix (spectral radius 1), tanh units
- irnn:              W_hh = I, biases 0, ReLU units (Le, Jaitly & Hinton, 2015)

and prints, per start, how many seeds learn (held-out accuracy >= --learnt at the end)
and the median final accuracy. Seeds are the Train view's: seed s draws the same W_ih,
readout and batches for every start. BLAS is pinned to one thread, as in the server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

from app.engine.tasks import RememberFirst  # noqa: E402
from app.engine.train import TrainConfig, train_steps  # noqa: E402

# (label, init); the init names its nonlinearity (irnn: relu, the others tanh)
RECIPES = (("tanh + pytorch", "pytorch"), ("tanh + orthogonal", "orthogonal"), ("irnn", "irnn"))


def final_accuracy(init: str, length: int, hidden: int, lr: float, steps: int, seed: int) -> float:
    """Return the held-out accuracy after training one RNN from `init` for `steps` steps."""
    config = TrainConfig(
        cell="rnn",
        hidden_size=hidden,
        init=init,
        learning_rate=lr,
        max_steps=steps,
        log_every=steps,
        seed=seed,
    )
    *_, last = train_steps(config, RememberFirst(length=length))
    assert last.accuracy is not None
    return last.accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[20, 40], help="parade L")
    parser.add_argument("--seeds", type=int, default=8, help="seeds 0..N-1 per start")
    parser.add_argument("--lr", type=float, nargs="+", default=[0.01, 0.001], help="Adam's")
    parser.add_argument("--steps", type=int, default=1000, help="training steps per run")
    parser.add_argument("--hidden", type=int, default=8, help="hidden units H")
    parser.add_argument("--learnt", type=float, default=0.9, help="accuracy that counts")
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")
    print(
        f"remember the first float, 4 values (chance 25%), H = {args.hidden}, Adam, batch 32, "
        f"clip 1, float32, {args.steps} steps; learnt = held-out accuracy >= {args.learnt:.0%}\n"
    )
    print("| L | lr | start | learnt | median accuracy | accuracies | seconds |")
    print("|---|----|-------|--------|-----------------|------------|---------|")
    for length in args.lengths:
        for lr in args.lr:
            for label, init in RECIPES:
                started = time.perf_counter()
                accs = [
                    final_accuracy(init, length, args.hidden, lr, args.steps, seed)
                    for seed in range(args.seeds)
                ]
                secs = time.perf_counter() - started
                learnt = sum(a >= args.learnt for a in accs)
                shown = " ".join(f"{a:.2f}" for a in accs)
                print(
                    f"| {length} | {lr:g} | {label} | {learnt}/{len(accs)} | "
                    f"{statistics.median(accs):.2f} | {shown} | {secs:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
