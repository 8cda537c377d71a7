"""Training: gated cells remember the first marcher where the plain RNN cannot; loss falls."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from app.engine import forward, softmax
from app.engine.tasks import NO_TARGET, NextChar, RememberFirst
from app.engine.train import (
    Progress,
    TrainConfig,
    init_model,
    loss_and_grads,
    sample_text,
    train_steps,
)

TEXT = (
    "A recurrent network reads a sequence one step at a time, like a parade passing a "
    "window. It keeps a hidden state, a running memory of the marchers it has seen. "
)


def final(config: TrainConfig, task: RememberFirst | NextChar) -> Progress:
    *_, last = train_steps(config, task)
    return last


# Measured (seed 1, L = 30, H = 16, 300 Adam steps, batch 32): rnn 0.26 (chance is
# 0.25), lstm 1.00, gru 1.00. Across seeds 0-3 the rnn never passed 0.29 while gru
# always reached 1.00 and lstm reached >= 0.99 in 3 of 4.
@pytest.mark.parametrize(
    ("cell", "lo", "hi"), [("rnn", 0.0, 0.45), ("lstm", 0.9, 1.0), ("gru", 0.9, 1.0)]
)
def test_remember_the_first_float(cell: str, lo: float, hi: float) -> None:
    config = TrainConfig(cell=cell, hidden_size=16, max_steps=300, log_every=300, seed=1)
    last = final(config, RememberFirst(length=30))
    assert last.accuracy is not None and lo <= last.accuracy <= hi


def test_short_parades_are_easy_for_every_cell() -> None:
    # the RNN's failure above is about length, not about the task or the trainer
    config = TrainConfig(cell="rnn", hidden_size=16, max_steps=200, log_every=200, seed=1)
    last = final(config, RememberFirst(length=5))
    assert last.accuracy is not None and last.accuracy > 0.95


def test_next_char_loss_falls() -> None:
    task = NextChar(TEXT, seq_len=24)
    config = TrainConfig(
        cell="gru", hidden_size=32, max_steps=150, log_every=50, seed=0, learning_rate=0.02
    )
    records = list(train_steps(config, task))
    (start,) = train_steps(dataclasses.replace(config, max_steps=1, log_every=1), task)
    # Measured: 3.25 after one step (uniform guessing is log 26 = 3.26), then 1.99 at
    # step 50 and 0.14 at step 150 with held-out accuracy 0.96 (the text is short).
    assert records[0].step == 50 and records[-1].step == 150 and records[-1].done
    assert abs(start.loss - np.log(task.n_classes)) < 0.2
    assert records[-1].loss < 1.0 < 2.5 < start.loss
    assert records[-1].accuracy is not None and records[-1].accuracy > 0.8
    assert all(r.sample is not None and len(r.sample) == config.sample_length for r in records)
    assert set(records[-1].sample or "") <= set(TEXT)


def test_stream_is_deterministic_and_stops_when_asked() -> None:
    config = TrainConfig(cell="lstm", hidden_size=8, max_steps=40, log_every=10, seed=3)
    task = RememberFirst(length=6)
    a = list(train_steps(config, task))
    b = list(train_steps(config, task))
    assert a == b and [r.step for r in a] == [10, 20, 30, 40]
    c = list(train_steps(dataclasses.replace(config, seed=4), task))
    assert c != a
    first_two = list(itertools.islice(train_steps(config, task), 2))
    assert first_two == a[:2]


def test_training_updates_the_given_model_in_place() -> None:
    config = TrainConfig(
        cell="rnn", hidden_size=4, max_steps=5, log_every=5, optimizer="sgd", learning_rate=0.5
    )
    task = RememberFirst(length=4)
    model = init_model(config, task, np.random.default_rng(0))
    before = {k: v.copy() for k, v in model.params.items()}
    list(train_steps(config, task, model))
    assert all(not np.array_equal(before[k], model.params[k]) for k in before)


def test_clipping_bounds_the_update() -> None:
    task = RememberFirst(length=10)
    big = TrainConfig(
        cell="rnn",
        hidden_size=8,
        weight_scale=8.0,
        max_steps=1,
        log_every=1,
        optimizer="sgd",
        learning_rate=1.0,
        clip_norm=0.01,
        dtype="float64",  # the step is checked to 1e-9
    )
    model = init_model(big, task, np.random.default_rng(0))
    before = {k: v.copy() for k, v in model.params.items()}
    (record,) = train_steps(big, task, model)
    step = np.sqrt(sum(((model.params[k] - before[k]) ** 2).sum() for k in before))
    assert record.grad_norm > 0.01
    assert step == pytest.approx(0.01, rel=1e-9)


def test_readout_gradients_match_finite_differences() -> None:
    task = NextChar(TEXT, seq_len=5)
    config = TrainConfig(cell="lstm", hidden_size=3)
    model = init_model(config, task, np.random.default_rng(1))
    xs, targets = task.batch(np.random.default_rng(2), 2)
    targets[0, 0] = NO_TARGET  # masked steps must not count
    _, grads = loss_and_grads(model, xs, targets)
    for name in ("weight_hy", "bias_y", "weight_hh"):
        p = model.params[name]
        idx = (0,) * p.ndim
        old = p[idx]
        p[idx] = old + 1e-6
        up, _ = loss_and_grads(model, xs, targets)
        p[idx] = old - 1e-6
        down, _ = loss_and_grads(model, xs, targets)
        p[idx] = old
        assert grads[name][idx] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9)


def test_tasks_make_the_promised_batches() -> None:
    xs, targets = RememberFirst(length=7, n_values=3).batch(np.random.default_rng(0), 5)
    assert xs.shape == (7, 5, 2) and targets.shape == (7, 5)
    assert np.all(targets[:-1] == NO_TARGET)
    levels = np.linspace(-1, 1, 3)
    np.testing.assert_array_equal(levels[targets[-1]], xs[0, :, 0])
    assert np.all(xs[0, :, 1] == 1) and np.all(xs[1:, :, 1] == 0)
    task = NextChar(TEXT, seq_len=10)
    xs, targets = task.batch(np.random.default_rng(0), 4)
    assert xs.shape == (10, 4, task.n_classes)
    np.testing.assert_array_equal(xs[1:].argmax(-1), targets[:-1])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cell": "transformer"},
        {"max_steps": 10**9},
        {"hidden_size": 0},
        {"learning_rate": float("nan")},
        {"optimizer": "rmsprop"},
        {"dtype": "float16"},
    ],
)
def test_config_rejects_unbounded_or_unknown_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)  # type: ignore[arg-type]


def test_tasks_reject_bad_sizes() -> None:
    with pytest.raises(ValueError, match="at least"):
        NextChar("abc", seq_len=10)
    with pytest.raises(ValueError):
        RememberFirst(length=0)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_float32_training_follows_float64(cell: str) -> None:
    task = NextChar(TEXT, seq_len=16)
    config = TrainConfig(
        cell=cell, hidden_size=16, max_steps=30, log_every=10, sample_length=0, dtype="float64"
    )
    f64 = list(train_steps(config, task))
    f32 = list(train_steps(dataclasses.replace(config, dtype="float32"), task))
    # Same seeds, same batches: the runs differ only by rounding (measured: losses and
    # gradient norms within 3e-7 after 30 Adam steps); a broken float32 path is far off.
    for a, b in zip(f64, f32, strict=True):
        assert b.loss == pytest.approx(a.loss, abs=1e-5)
        assert b.grad_norm == pytest.approx(a.grad_norm, rel=1e-5)
    model = init_model(config, task, np.random.default_rng(0))
    list(train_steps(dataclasses.replace(config, dtype="float32", max_steps=1), task, model))
    assert all(p.dtype == np.float32 for p in model.params.values())


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_sampling_equals_one_forward_per_character(cell: str) -> None:
    task = NextChar(TEXT, seq_len=8)
    model = init_model(TrainConfig(cell=cell, hidden_size=6), task, np.random.default_rng(4))
    text = sample_text(model, task, np.random.default_rng(5), 25)
    # the plain way: the public forward for every character, state carried by hand
    rng = np.random.default_rng(5)
    ids = [int(task.encode(TEXT[0])[0])]
    h = c = None
    for _ in range(25):
        trace = forward(cell, model.cell_params(), np.array(ids[-1:]), h, c)
        h, c = trace.h[-1], None if trace.c is None else trace.c[-1]
        p = softmax(h @ model.params["weight_hy"].T + model.params["bias_y"])
        ids.append(int(rng.choice(len(p), p=p)))
    assert text == task.decode(ids[1:])


def test_irnn_config_means_relu_units_and_is_refused_for_gated_cells() -> None:
    assert TrainConfig(cell="rnn", init="irnn").nonlinearity == "relu"
    assert TrainConfig(cell="rnn").nonlinearity == "tanh"
    assert TrainConfig(cell="rnn", nonlinearity="relu").nonlinearity == "relu"  # relu, uniform
    with pytest.raises(ValueError, match="plain RNN only"):
        TrainConfig(cell="lstm", init="irnn")
    with pytest.raises(ValueError, match="only the plain RNN"):
        TrainConfig(cell="gru", nonlinearity="relu")
    with pytest.raises(ValueError, match="needs ReLU"):
        TrainConfig(cell="rnn", init="irnn", nonlinearity="tanh")
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        TrainConfig(cell="rnn", nonlinearity="sigmoid")


def test_irnn_model_trains_with_relu_in_both_precisions() -> None:
    # Next-character, not the parade: the parade's values (±1, ±1/3) sum to exactly 0 in
    # real arithmetic (1/3 + 1/3 + 1/3 - 1), where float32 and float64 round to opposite
    # signs of a tiny pre-activation and ReLU's slope jumps; one-hot inputs never cancel.
    # Measured: losses within 7e-8 and gradient norms within 1.2e-6 (relative) for 30 steps.
    task = NextChar(TEXT, seq_len=16)
    config = TrainConfig(
        cell="rnn",
        init="irnn",
        hidden_size=16,
        max_steps=30,
        log_every=10,
        sample_length=0,
        dtype="float64",
    )
    f64 = list(train_steps(config, task))
    f32 = list(train_steps(dataclasses.replace(config, dtype="float32"), task))
    for a, b in zip(f64, f32, strict=True):
        assert b.loss == pytest.approx(a.loss, abs=1e-5)
        assert b.grad_norm == pytest.approx(a.grad_norm, rel=1e-4)
    assert f64[-1].loss < f64[0].loss
    model = init_model(config, task, np.random.default_rng(0))
    assert model.nonlinearity == "relu"
    list(train_steps(config, task, model))
    # the trained model still runs as relu: every state it reaches is >= 0
    xs, _ = task.inputs(np.random.default_rng(1), 4)
    trace = forward("rnn", model.cell_params(), xs, nonlinearity=model.nonlinearity)
    assert trace.h.min() >= 0 and trace.h.max() > 0


def test_relu_sampling_equals_one_forward_per_character() -> None:
    task = NextChar(TEXT, seq_len=8)
    config = TrainConfig(cell="rnn", init="irnn", hidden_size=6)
    model = init_model(config, task, np.random.default_rng(4))
    text = sample_text(model, task, np.random.default_rng(5), 15, temperature=0)
    ids = [int(task.encode(TEXT[0])[0])]
    h = None
    for _ in range(15):
        trace = forward("rnn", model.cell_params(), np.array(ids[-1:]), h, nonlinearity="relu")
        h = trace.h[-1]
        ids.append(int(np.argmax(h @ model.params["weight_hy"].T + model.params["bias_y"])))
    assert text == task.decode(ids[1:])
