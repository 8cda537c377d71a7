"""Sampling at a temperature: T -> 0 is argmax decoding, and draws follow softmax(logits / T)."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import forward, softmax
from app.engine.tasks import NextChar
from app.engine.train import Model, TrainConfig, init_model, sample_ids, sample_text

TEXT = "a parade passes by, and the watcher remembers the first float. " * 3


@pytest.fixture(scope="module")
def model() -> Model:
    task = NextChar(text=TEXT, seq_len=8)
    rng = np.random.default_rng(0)
    m = init_model(TrainConfig(cell="lstm", hidden_size=6, memory_bias=0), task, rng)
    m.params["weight_hy"] *= 8.0  # sharper logits, so greedy and sampled text differ
    return m


def greedy_reference(model: Model, start: list[int], length: int) -> list[int]:
    """Argmax decoding by re-running forward over the whole sequence for every character."""
    ids = list(start)
    W_hy, b_y = model.params["weight_hy"], model.params["bias_y"]
    for _ in range(length):
        h = forward(model.cell, model.cell_params(), np.array(ids)).h[-1]
        ids.append(int(np.argmax(W_hy @ h + b_y)))
    return ids[len(start) :]


def test_temperature_zero_is_argmax_and_tiny_temperatures_agree(model: Model) -> None:
    start = np.array([3, 1, 4])
    greedy = sample_ids(model, start, np.random.default_rng(0), 30, temperature=0)
    assert greedy == greedy_reference(model, [3, 1, 4], 30)
    for seed in range(3):
        cold = sample_ids(model, start, np.random.default_rng(seed), 30, temperature=1e-4)
        assert cold == greedy
    warm = sample_ids(model, start, np.random.default_rng(0), 30, temperature=2.0)
    assert warm != greedy


@pytest.mark.parametrize("T", [0.5, 2.0])
def test_draws_follow_softmax_of_logits_over_temperature(model: Model, T: float) -> None:
    start = np.array([5, 2])
    h = forward(model.cell, model.cell_params(), start).h[-1]
    p = softmax((model.params["weight_hy"] @ h + model.params["bias_y"]) / T)  # (V,)
    rng = np.random.default_rng(1)
    n = 3000
    counts = np.bincount(
        [sample_ids(model, start, rng, 1, T)[0] for _ in range(n)], minlength=len(p)
    )
    # every class within 5 standard deviations of its binomial expectation
    sd = np.sqrt(n * p * (1 - p))
    assert np.all(np.abs(counts - n * p) <= 5 * sd + 1)
    # and the distribution is the T one, not T = 1's (unless T is 1)
    if T != 1.0:
        p1 = softmax(model.params["weight_hy"] @ h + model.params["bias_y"])
        assert np.abs(counts / n - p1).max() > np.abs(counts / n - p).max()


def test_sample_text_starts_where_asked(model: Model) -> None:
    task = NextChar(text=TEXT, seq_len=8)
    a = sample_text(model, task, np.random.default_rng(0), 20, temperature=0, start="the ")
    assert len(a) == 20
    with pytest.raises(ValueError, match="temperature"):
        sample_ids(model, np.array([1]), np.random.default_rng(0), 5, temperature=-1)
