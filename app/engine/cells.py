"""Public forward and backward: check inputs, then hand over to the cell's own module.

Every cell splits the same way. Forward starts from the input half of every
pre-activation, X = W_ih x + b_ih for all steps at once (one matrix product, or a row
gather when the inputs are one-hot ids); only W_hh h_prev is left for the loop over
time. Backward returns dX = dL/dX and dGH = dL/d(W_hh h_prev + b_hh) for every step,
and the weight gradients are then one product each, here, for all steps at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from . import gru, lstm, rnn
from .numerics import Array, Inputs, Params, sum_rows_by_id
from .params import check_cell, check_params
from .trace import Trace

DTYPES = ("float64", "float32")


def _state(name: str, value: Array | None, shape: tuple[int, ...], dtype: Any) -> Array:
    """Return a starting state of `shape`: zeros when not given, else a checked copy."""
    if value is None:
        return np.zeros(shape, dtype=dtype)
    out = np.array(value, dtype=np.float64)
    if out.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {out.shape}.")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return out.astype(dtype, copy=False)


def _input_half(params: Mapping[str, Array], xs: Inputs, D: int) -> Array:
    """Return X = W_ih x_t + b_ih for every step, shape xs.shape[:-1] + (G*H,).

    Integer xs are ids of one-hot inputs, shape (T,) or (T, B): W_ih x is then
    column `id` of W_ih, a gather instead of a product with mostly zeros.
    """
    W_ih, b_ih = params["weight_ih"], params["bias_ih"]  # (G*H, D), (G*H,)
    if np.issubdtype(xs.dtype, np.integer):
        if xs.ndim not in (1, 2) or xs.size and (xs.min() < 0 or xs.max() >= D):
            raise ValueError(f"Input ids must have shape (T,) or (T, B) and lie in [0, {D}).")
        X: Array = np.ascontiguousarray(W_ih.T).take(xs, axis=0)  # (T, ..., G*H)
    else:
        if xs.ndim not in (2, 3) or xs.shape[-1] != D:
            raise ValueError(f"xs must have shape (T, {D}) or (T, B, {D}), got {xs.shape}.")
        if not np.all(np.isfinite(xs)):
            raise ValueError("xs contains NaN or infinite values.")
        X = xs.astype(W_ih.dtype, copy=False) @ W_ih.T  # (T, ..., G*H)
    X += b_ih
    return X


def forward(
    cell: str,
    params: Mapping[str, Array],
    xs: npt.ArrayLike,
    h0: Array | None = None,
    c0: Array | None = None,
    *,
    dtype: str = "float64",
    nonlinearity: str = "tanh",
) -> Trace:
    """Return the Trace of running `cell` ("rnn", "lstm" or "gru") over xs.

    xs is (T, D) for one sequence or (T, B, D) for a batch, or integer ids of one-hot
    inputs, (T,) or (T, B); h0 and c0 default to zeros of shape (H,) (or (B, H)). c0
    is only accepted by the LSTM. dtype "float32" runs in single precision (for
    training speed); every array in the trace then has that dtype. nonlinearity "relu"
    (the RNN only) runs h_t = relu(a_t) instead of tanh(a_t), as nn.RNN(nonlinearity="relu").
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}.")
    check_cell(cell)
    rnn.check_nonlinearity(cell, nonlinearity)
    checked, D, H = check_params(cell, dict(params))
    p = {name: value.astype(dtype, copy=False) for name, value in checked.items()}
    x = np.asarray(xs)
    if not np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.float64, copy=False)
    if x.ndim == 0 or x.shape[0] < 1:
        raise ValueError("xs must hold at least one step.")
    X = _input_half(p, x, D)
    if c0 is not None and cell != "lstm":
        raise ValueError(f"c0 is only used by the LSTM cell, not the {cell} cell.")
    state_shape = X.shape[1:-1] + (H,)
    h_start = _state("h0", h0, state_shape, dtype)
    c_start = _state("c0", c0, state_shape, dtype) if cell == "lstm" else None
    return run(cell, p, X, x, h_start, c_start, nonlinearity)


def run(
    cell: str,
    params: Params,
    X: Array,
    xs: Inputs,
    h0: Array,
    c0: Array | None,
    nonlinearity: str = "tanh",
) -> Trace:
    """Return the Trace of `cell` from the input half X = W_ih x + b_ih, without any checks.

    For callers that checked params once and step many times (sampling): forward's
    checks cost more than a single step. X is overwritten; h0 and c0 must be given.
    """
    if cell == "rnn":
        return rnn.forward(params, X, xs, h0, nonlinearity)
    if cell == "gru":
        return gru.forward(params, X, xs, h0)
    assert c0 is not None
    return lstm.forward(params, X, xs, h0, c0)


def backward(trace: Trace, dh: Array, dc: Array | None = None) -> dict[str, Array]:
    """Return full-BPTT gradients of a loss L, given dh = dL/dh_t from outside each step.

    dh has the shape of trace.h; dc (LSTM only, optional) = dL/dc_t from outside.
    Keys: weight_ih, weight_hh, bias_ih, bias_hh, xs, h0, and c0 for the LSTM, each
    shaped like the array it is the gradient of. When the trace ran on one-hot ids
    there is no "xs" key (ids have no gradient), which also saves a matrix product.
    """
    dtype = trace.h.dtype
    dhs = np.asarray(dh, dtype=dtype)
    if dhs.shape != trace.h.shape:
        raise ValueError(f"dh must have shape {trace.h.shape}, got {dhs.shape}.")
    dcs = None if dc is None else np.asarray(dc, dtype=dtype)
    if dcs is not None and (trace.cell != "lstm" or dcs.shape != trace.h.shape):
        raise ValueError(f"dc is only for the LSTM and must have shape {trace.h.shape}.")
    if trace.cell == "rnn":
        dX, dGH, grads = rnn.backward(trace, dhs)
    elif trace.cell == "gru":
        dX, dGH, grads = gru.backward(trace, dhs)
    else:
        dX, dGH, grads = lstm.backward(trace, dhs, dcs)
    W_ih = trace.params["weight_ih"]  # (G*H, D)
    H, D = trace.h.shape[-1], W_ih.shape[1]
    GH = dGH.shape[-1]
    hs_prev = np.concatenate([trace.h0[None], trace.h[:-1]])  # (T, ..., H)
    dX_flat = dX.reshape(-1, GH)  # (N, G*H) with N = T * batch
    dGH_flat = dGH.reshape(-1, GH)
    grads["weight_hh"] = dGH_flat.T @ hs_prev.reshape(-1, H)  # (G*H, H)
    grads["bias_hh"] = dGH_flat.sum(axis=0)  # (G*H,)
    grads["bias_ih"] = grads["bias_hh"].copy() if dX is dGH else dX_flat.sum(axis=0)
    xs = trace.xs
    if np.issubdtype(xs.dtype, np.integer):
        dW_ih_T = sum_rows_by_id(xs.reshape(-1), dX_flat, D)  # (D, G*H): row v sums id v's dX
        grads["weight_ih"] = np.ascontiguousarray(dW_ih_T.T)  # (G*H, D)
    else:
        grads["weight_ih"] = dX_flat.T @ xs.reshape(-1, D)  # (G*H, D)
        grads["xs"] = dX @ W_ih  # (T, ..., D)
    return grads


def step_jacobians(trace: Trace) -> tuple[Array, Array]:
    """Return per-step J = ds_t/ds_{t-1} (T, S, S) and Bx = ds_t/dx_t (T, S, D), one sequence.

    The state s is h (S = H) for rnn and gru, and (h, c) stacked (S = 2H) for the LSTM.
    """
    if trace.batched:
        raise ValueError("Jacobians are computed for one sequence at a time, not a batch.")
    if trace.cell == "rnn":
        return rnn.step_jacobians(trace)
    if trace.cell == "gru":
        return gru.step_jacobians(trace)
    return lstm.step_jacobians(trace)
