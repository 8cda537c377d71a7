"""Backward agrees with central finite differences for every parameter and input."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from app.engine import Trace, backward, forward, init_params
from app.engine.numerics import Array

CELLS = ("rnn", "lstm", "gru")


def numeric_grad(f: Callable[[], float], x: Array, eps: float = 1e-6) -> Array:
    """Return df/dx by central differences, perturbing x in place."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def setup(cell: str, batch: tuple[int, ...], seed: int) -> tuple[dict[str, Array], ...]:
    rng = np.random.default_rng(seed)
    D, H, T = 3, 4, 5
    params = init_params(cell, D, H, rng, weight_scale=1.5)
    inputs = {
        "xs": rng.normal(size=(T, *batch, D)),
        "h0": rng.normal(size=(*batch, H)),
    }
    if cell == "lstm":
        inputs["c0"] = rng.normal(size=(*batch, H))
    outside = {"dh": rng.normal(size=(T, *batch, H)), "dc": rng.normal(size=(T, *batch, H))}
    return params, inputs, outside


@pytest.mark.parametrize("batch", [(), (2,)], ids=["single", "batch2"])
@pytest.mark.parametrize("cell", CELLS)
def test_backward_matches_finite_differences(cell: str, batch: tuple[int, ...]) -> None:
    params, inputs, outside = setup(cell, batch, seed=len(cell) + len(batch))
    dh = outside["dh"]

    def loss() -> float:
        trace = forward(cell, params, inputs["xs"], inputs["h0"], inputs.get("c0"))
        return float((trace.h * dh).sum())  # dL/dh_t = dh[t]

    grads = backward(forward(cell, params, inputs["xs"], inputs["h0"], inputs.get("c0")), dh)
    assert set(grads) == set(params) | set(inputs)
    for name, value in {**params, **inputs}.items():
        expected = numeric_grad(loss, value)
        assert grads[name].shape == value.shape, name
        np.testing.assert_allclose(grads[name], expected, rtol=1e-6, atol=1e-8, err_msg=name)


@pytest.mark.parametrize("init", ["pytorch", "irnn"])
@pytest.mark.parametrize("batch", [(), (2,)], ids=["single", "batch2"])
def test_relu_backward_matches_finite_differences(init: str, batch: tuple[int, ...]) -> None:
    # relu'(a) = 1[a > 0] jumps at a = 0, where a central difference straddling the kink is
    # meaningless: the check needs every pre-activation well away from 0 (|a| > 1e-4, a
    # hundred times the step of 1e-6), and some units on each side so both slopes are tested.
    rng = np.random.default_rng(12 + len(batch))
    D, H, T = 3, 4, 6
    params = init_params("rnn", D, H, rng, init=init)
    if init == "irnn":  # biases start at 0; give them values so the check covers them fully
        params["bias_ih"] = rng.normal(scale=0.5, size=H)
        params["bias_hh"] = rng.normal(scale=0.5, size=H)
    inputs = {"xs": rng.normal(size=(T, *batch, D)), "h0": rng.normal(size=(*batch, H))}
    dh = rng.normal(size=(T, *batch, H))

    def run() -> Trace:
        return forward("rnn", params, inputs["xs"], inputs["h0"], nonlinearity="relu")

    trace = run()
    a = trace.gates["a"]
    assert np.abs(a).min() > 1e-4
    assert 0.2 < np.mean(a > 0) < 0.8
    grads = backward(trace, dh)
    for name, value in {**params, **inputs}.items():
        expected = numeric_grad(lambda: float((run().h * dh).sum()), value)
        np.testing.assert_allclose(grads[name], expected, rtol=1e-6, atol=1e-8, err_msg=name)


def test_relu_slope_at_zero_is_zero_as_in_pytorch() -> None:
    # a = 0 exactly: h = 0 and, as torch.relu's backward, no gradient passes
    H = 2
    params = {
        "weight_ih": np.zeros((H, 1)),
        "weight_hh": np.eye(H),
        "bias_ih": np.array([0.0, 1.0]),
        "bias_hh": np.zeros(H),
    }
    trace = forward("rnn", params, np.zeros((1, 1)), nonlinearity="relu")
    np.testing.assert_array_equal(trace.h, [[0.0, 1.0]])
    grads = backward(trace, np.ones((1, H)))
    np.testing.assert_array_equal(grads["bias_ih"], [0.0, 1.0])


def test_lstm_cell_state_gradient_from_outside() -> None:
    params, inputs, outside = setup("lstm", (), seed=7)
    dh, dc = outside["dh"], outside["dc"]

    def loss() -> float:
        trace = forward("lstm", params, inputs["xs"], inputs["h0"], inputs["c0"])
        assert trace.c is not None
        return float((trace.h * dh).sum() + (trace.c * dc).sum())

    trace = forward("lstm", params, inputs["xs"], inputs["h0"], inputs["c0"])
    grads = backward(trace, dh, dc)
    for name, value in {**params, **inputs}.items():
        np.testing.assert_allclose(
            grads[name], numeric_grad(loss, value), rtol=1e-6, atol=1e-8, err_msg=name
        )
    # and dc really matters: without it the c0 gradient differs
    assert not np.allclose(backward(trace, dh)["c0"], grads["c0"])


def test_batched_gradients_are_sums_of_single_ones() -> None:
    for cell in CELLS:
        params, inputs, outside = setup(cell, (3,), seed=11)
        trace = forward(cell, params, inputs["xs"])
        grads = backward(trace, outside["dh"])
        singles = [
            backward(forward(cell, params, inputs["xs"][:, b]), outside["dh"][:, b])
            for b in range(3)
        ]
        for name in params:
            np.testing.assert_allclose(grads[name], sum(g[name] for g in singles), atol=1e-12)
        for b in range(3):
            np.testing.assert_allclose(grads["xs"][:, b], singles[b]["xs"], atol=1e-12)


@pytest.mark.parametrize("batch", [(), (3,)], ids=["single", "batch3"])
@pytest.mark.parametrize("cell", CELLS)
def test_backward_leaves_the_trace_as_it_was(cell: str, batch: tuple[int, ...]) -> None:
    # backward works in place on buffers of its own; a trace can be stepped back twice
    params, inputs, outside = setup(cell, batch, seed=5)
    trace = forward(cell, params, inputs["xs"], inputs["h0"], inputs.get("c0"))
    arrays = {"h": trace.h, **trace.gates, **trace.cache}
    if trace.c is not None:
        arrays["c"] = trace.c
    before = {name: value.copy() for name, value in arrays.items()}
    first = backward(trace, outside["dh"])
    second = backward(trace, outside["dh"])
    for name, value in arrays.items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)
