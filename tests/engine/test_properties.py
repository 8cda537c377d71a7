"""Property tests: shapes, finiteness at extreme scales, determinism, input checks."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import GATES, backward, forward, influence, init_params, sigmoid, softmax

cells = st.sampled_from(["rnn", "lstm", "gru"])
small = settings(max_examples=25, deadline=None)


@small
@given(
    cell=cells,
    D=st.integers(1, 5),
    H=st.integers(1, 6),
    T=st.integers(1, 8),
    B=st.sampled_from([None, 1, 3]),
    seed=st.integers(0, 2**32 - 1),
)
def test_shapes(cell: str, D: int, H: int, T: int, B: int | None, seed: int) -> None:
    rng = np.random.default_rng(seed)
    G = len(GATES[cell])
    params = init_params(cell, D, H, rng)
    assert params["weight_ih"].shape == (G * H, D) and params["weight_hh"].shape == (G * H, H)
    batch = () if B is None else (B,)
    xs = rng.normal(size=(T, *batch, D))
    trace = forward(cell, params, xs)
    assert trace.h.shape == (T, *batch, H)
    assert (trace.c is not None) == (cell == "lstm")
    assert set(trace.gates) == set(GATES[cell])
    assert all(g.shape == (T, *batch, H) for g in trace.gates.values())
    grads = backward(trace, np.ones_like(trace.h))
    for name, value in params.items():
        assert grads[name].shape == value.shape
    assert grads["xs"].shape == xs.shape and grads["h0"].shape == (*batch, H)
    if B is None:
        assert influence(trace).shape == (T, T)


@small
@given(
    cell=cells,
    weight_scale=st.floats(0.0, 10.0),
    x_scale=st.sampled_from([1.0, 1e3, 1e8, 1e150]),
    seed=st.integers(0, 2**32 - 1),
)
def test_finite_at_extreme_scales(
    cell: str, weight_scale: float, x_scale: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    params = init_params(cell, 3, 5, rng, weight_scale=weight_scale)
    xs = rng.normal(size=(12, 3)) * x_scale
    trace = forward(cell, params, xs)
    grads = backward(trace, rng.normal(size=trace.h.shape))
    assert np.all(np.abs(trace.h) <= 1.0)
    for gate in trace.gates.values():
        assert np.all(np.isfinite(gate))
    for name, g in grads.items():
        assert np.all(np.isfinite(g)), name
    assert np.all(np.isfinite(influence(trace, "x"))) and np.all(np.isfinite(influence(trace, "h")))


@small
@given(cell=cells, seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_everything(cell: str, seed: int) -> None:
    a = init_params(cell, 3, 4, np.random.default_rng(seed))
    b = init_params(cell, 3, 4, np.random.default_rng(seed))
    c = init_params(cell, 3, 4, np.random.default_rng(seed + 1))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["weight_hh"], c["weight_hh"])
    xs = np.random.default_rng(seed).normal(size=(5, 3))
    assert np.array_equal(forward(cell, a, xs).h, forward(cell, b, xs).h)


def test_init_matches_pytorch_bounds_and_weight_scale() -> None:
    rng = np.random.default_rng(0)
    H = 16
    params = init_params("lstm", 3, H, rng, weight_scale=3.0)
    bound = 1 / np.sqrt(H)
    for name in ("weight_ih", "bias_ih", "bias_hh"):
        assert np.abs(params[name]).max() <= bound
        assert np.abs(params[name]).max() > 0.9 * bound  # really uses the whole range
    assert 2.7 * bound < np.abs(params["weight_hh"]).max() <= 3.0 * bound


def test_init_uses_no_global_random_state() -> None:
    np.random.seed(1)
    before = np.random.random()
    np.random.seed(1)
    init_params("gru", 2, 3, np.random.default_rng(0))
    assert np.random.random() == before


def test_sigmoid_and_softmax_never_overflow() -> None:
    x = np.array([-1e308, -1000.0, -40.0, 0.0, 40.0, 1000.0, 1e308])
    s = sigmoid(x)
    assert np.all((s >= 0) & (s <= 1)) and s[3] == 0.5 and s[0] == 0 and s[-1] == 1
    np.testing.assert_allclose(sigmoid(np.array([-3.0, 2.0])), 1 / (1 + np.exp([3.0, -2.0])))
    p = softmax(np.array([[1e300, 0.0, -1e300], [1.0, 2.0, 3.0]]))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell": "lstmm"}, "Unknown cell"),
        ({"xs": np.zeros((4, 2))}, "xs must have shape"),
        ({"xs": np.zeros((0, 3))}, "at least one step"),
        ({"xs": np.full((4, 3), np.nan)}, "NaN"),
        ({"h0": np.zeros(5)}, "h0 must have shape"),
        ({"c0": np.zeros(4)}, "only used by the LSTM"),
    ],
)
def test_bad_inputs_get_plain_errors(kwargs: dict[str, object], message: str) -> None:
    params = init_params("gru", 3, 4, np.random.default_rng(0))
    args: dict[str, object] = {"cell": "gru", "params": params, "xs": np.zeros((4, 3))}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        forward(**args)  # type: ignore[arg-type]


def test_wrong_parameter_shapes_are_rejected() -> None:
    params = init_params("rnn", 3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="weight_hh"):
        forward("lstm", params, np.zeros((2, 3)))
    params.pop("bias_hh")
    with pytest.raises(ValueError, match="Missing"):
        forward("rnn", params, np.zeros((2, 3)))


def test_engine_imports_nothing_from_the_web_or_db_layers() -> None:
    code = (
        "import sys, app.engine, app.engine.train\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'fastapi', 'starlette', 'sqlalchemy', 'pydantic', 'jinja2', 'torch'} "
        "or (m.startswith('app.') and not m.startswith('app.engine')))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
