"""influence() equals Jacobian norms measured by finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import forward, influence, init_params
from app.engine.numerics import Array

EPS = 1e-6


def h_after(cell: str, params: dict[str, Array], xs: Array, h0: Array, c0: Array | None) -> Array:
    return forward(cell, params, xs, h0, c0).h


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_input_influence_matches_finite_differences(cell: str) -> None:
    rng = np.random.default_rng(3)
    D, H, T = 2, 3, 6
    params = init_params(cell, D, H, rng, weight_scale=2.0)
    xs, h0 = rng.normal(size=(T, D)), rng.normal(size=H)
    c0 = rng.normal(size=H) if cell == "lstm" else None
    M = influence(forward(cell, params, xs, h0, c0), wrt="x")
    expected = np.zeros((T, T))
    for k in range(T):
        cols = []
        for d in range(D):
            up, down = xs.copy(), xs.copy()
            up[k, d] += EPS
            down[k, d] -= EPS
            diff = h_after(cell, params, up, h0, c0) - h_after(cell, params, down, h0, c0)
            cols.append(diff / (2 * EPS))  # (T, H) = dh_t/dx_{k,d}
        jac = np.stack(cols, axis=-1)  # (T, H, D)
        expected[:, k] = np.sqrt((jac**2).sum(axis=(1, 2)))
    np.testing.assert_allclose(M, expected, rtol=1e-6, atol=1e-9)
    assert np.all(np.triu(M, 1) == 0) and np.all(np.diag(M) > 0)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_state_influence_matches_finite_differences(cell: str) -> None:
    rng = np.random.default_rng(4)
    D, H, T = 2, 3, 5
    params = init_params(cell, D, H, rng, weight_scale=2.0)
    xs = rng.normal(size=(T, D))
    trace = forward(cell, params, xs)
    M = influence(trace, wrt="h")
    expected = np.diag(np.full(T, np.sqrt(H)))  # dh_k/ds_k selects h
    for k in range(T - 1):
        # the state after step k, as h then c for the LSTM
        state = trace.h[k] if trace.c is None else np.concatenate([trace.h[k], trace.c[k]])
        cols = []
        for j in range(len(state)):
            outs = []
            for sign in (1, -1):
                s = state.copy()
                s[j] += sign * EPS
                h0, c0 = (s, None) if trace.c is None else (s[:H], s[H:])
                outs.append(h_after(cell, params, xs[k + 1 :], h0, c0))
            cols.append((outs[0] - outs[1]) / (2 * EPS))  # (T-k-1, H)
        jac = np.stack(cols, axis=-1)
        expected[k + 1 :, k] = np.sqrt((jac**2).sum(axis=(1, 2)))
    np.testing.assert_allclose(M, expected, rtol=1e-6, atol=1e-9)


def test_gated_cells_remember_longer_than_rnn_with_memory_bias() -> None:
    # A forget gate near 1 keeps early inputs visible; a plain tanh RNN with small
    # weights forgets geometrically. This is the lesson's picture in numbers.
    rng = np.random.default_rng(5)
    xs = rng.normal(size=(30, 2))
    rnn = init_params("rnn", 2, 8, rng, weight_scale=0.5)
    lstm = init_params("lstm", 2, 8, rng)
    lstm["bias_ih"][8:16] += 4.0  # forget gate ~ sigmoid(4) = 0.98
    first_step_rnn = influence(forward("rnn", rnn, xs))[-1, 0]
    first_step_lstm = influence(forward("lstm", lstm, xs))[-1, 0]
    assert first_step_rnn < 1e-6 < 1e-2 < first_step_lstm


def test_influence_rejects_batches_and_unknown_targets() -> None:
    rng = np.random.default_rng(0)
    params = init_params("gru", 2, 3, rng)
    with pytest.raises(ValueError, match="one sequence"):
        influence(forward("gru", params, np.zeros((4, 2, 2))))
    with pytest.raises(ValueError, match="wrt"):
        influence(forward("gru", params, np.zeros((4, 2))), wrt="c")
