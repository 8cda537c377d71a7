"""The RNN-training lesson's claims about starting weights, checked against the engine.

Numbers are read from lessons/rnn-training/lesson.md, so an edit to the text is checked as
students read it: the spectral radius of PyTorch's default W_hh, and which starts let a plain
RNN remember the first of 40 floats (bench/irnn.py measures the same thing over more seeds).
Training runs with the settings the Train view sends (batch 32, clip 1, float32, 128
held-out parades), at the lesson's stated size, steps, seeds and learning rates.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from app.config import PROJECT_ROOT
from app.engine.params import init_params
from app.engine.tasks import RememberFirst
from app.engine.train import TrainConfig, train_steps

LESSON = PROJECT_ROOT / "lessons" / "rnn-training" / "lesson.md"
LEARNT = 0.9  # held-out accuracy that counts as "learned" (chance is 25%)


@pytest.fixture(scope="module")
def text() -> str:
    return " ".join(LESSON.read_text(encoding="utf-8").split())  # one line: claims may wrap


def claim(pattern: str, text: str) -> tuple[str, ...]:
    found = re.search(pattern, text)
    assert found, f"the lesson no longer says: {pattern}"
    return found.groups()


def radius(W: np.ndarray) -> float:
    return float(np.abs(np.linalg.eigvals(W)).max())


def test_pytorch_default_spectral_radius(text: str) -> None:
    limit, at_h, units = claim(
        r"about \$1/\\sqrt\{3\} \\approx ([\d.]+)\$ for large \$H\$, and about ([\d.]+) on "
        r"average at (\d+) units",
        text,
    )
    assert round(1 / math.sqrt(3), 2) == float(limit)
    H = int(units)
    radii = [
        radius(init_params("rnn", 3, H, np.random.default_rng(s))["weight_hh"]) for s in range(200)
    ]
    assert round(float(np.mean(radii)), 2) == float(at_h)  # measured 0.607
    # large H approaches the circular law's 1/sqrt(3) from above (0.601 at 256 units)
    big = np.mean(
        [
            radius(init_params("rnn", 3, 256, np.random.default_rng(s))["weight_hh"])
            for s in range(3)
        ]
    )
    assert abs(big - float(limit)) < 0.03


def accuracies(
    init: str, length: int, hidden: int, lr: float, steps: int, seeds: int
) -> list[float]:
    """Return the held-out accuracy of each seed's plain RNN trained from `init`."""
    out = []
    for seed in range(seeds):
        config = TrainConfig(
            cell="rnn",
            hidden_size=hidden,
            init=init,
            learning_rate=lr,
            batch_size=32,
            max_steps=steps,
            clip_norm=1.0,
            log_every=steps,
            seed=seed,
            eval_size=128,
        )
        *_, last = train_steps(config, RememberFirst(length=length, n_values=4))
        assert last.accuracy is not None
        out.append(last.accuracy)
    return out


def test_irnn_learns_40_floats_at_a_small_learning_rate_and_tanh_starts_do_not(text: str) -> None:
    hidden, steps, first, last = claim(
        r"\((\d+) units, Adam, (\d+) training steps, seeds (\d+) to (\d+)\)", text
    )
    length, learnt, seeds, small, large = claim(
        r"at (\d+) floats the IRNN learned to name the first float in (\d+) of (\d+) seeds at "
        r"learning rate ([\d.]+) and in none at ([\d.]+), while tanh RNNs started from "
        r"PyTorch's default or from an orthogonal \$W_\{hh\}\$ learned it in none",
        text,
    )
    assert (int(first), int(last) + 1) == (0, int(seeds))
    setting = {
        "length": int(length),
        "hidden": int(hidden),
        "steps": int(steps),
        "seeds": int(seeds),
    }

    def learned(init: str, lr: float) -> int:
        return sum(a >= LEARNT for a in accuracies(init, lr=lr, **setting))

    # measured (128 held-out parades): irnn at 0.001: 1.00 0.20 1.00 1.00; at 0.01 at most
    # 0.27, and the tanh starts at most 0.30
    assert learned("irnn", float(small)) == int(learnt)
    assert learned("irnn", float(large)) == 0
    assert learned("pytorch", float(small)) == 0
    assert learned("orthogonal", float(small)) == 0
