"""Public forward and backward: check inputs, then hand over to the cell's own module."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import gru, lstm, rnn
from .numerics import Array
from .params import check_params
from .trace import Trace


def _state(name: str, value: Array | None, shape: tuple[int, ...]) -> Array:
    """Return a starting state of `shape`: zeros when not given, else a checked copy."""
    if value is None:
        return np.zeros(shape)
    out = np.array(value, dtype=np.float64)
    if out.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {out.shape}.")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return out


def forward(
    cell: str,
    params: Mapping[str, Array],
    xs: Array,
    h0: Array | None = None,
    c0: Array | None = None,
) -> Trace:
    """Return the Trace of running `cell` ("rnn", "lstm" or "gru") over xs.

    xs is (T, D) for one sequence or (T, B, D) for a batch; h0 and c0 default to
    zeros of shape (H,) (or (B, H)). c0 is only accepted by the LSTM.
    """
    checked, D, H = check_params(cell, dict(params))
    x = np.asarray(xs, dtype=np.float64)
    if x.ndim not in (2, 3) or x.shape[-1] != D:
        raise ValueError(f"xs must have shape (T, {D}) or (T, B, {D}), got {x.shape}.")
    if x.shape[0] < 1:
        raise ValueError("xs must hold at least one step.")
    if not np.all(np.isfinite(x)):
        raise ValueError("xs contains NaN or infinite values.")
    if c0 is not None and cell != "lstm":
        raise ValueError(f"c0 is only used by the LSTM cell, not the {cell} cell.")
    state_shape = x.shape[1:-1] + (H,)
    h_start = _state("h0", h0, state_shape)
    if cell == "rnn":
        return rnn.forward(checked, x, h_start)
    if cell == "gru":
        return gru.forward(checked, x, h_start)
    if cell == "lstm":
        return lstm.forward(checked, x, h_start, _state("c0", c0, state_shape))
    raise AssertionError("unreachable: check_params rejects unknown cells")


def backward(trace: Trace, dh: Array, dc: Array | None = None) -> dict[str, Array]:
    """Return full-BPTT gradients of a loss L, given dh = dL/dh_t from outside each step.

    dh has the shape of trace.h; dc (LSTM only, optional) = dL/dc_t from outside.
    Keys: weight_ih, weight_hh, bias_ih, bias_hh, xs, h0, and c0 for the LSTM, each
    shaped like the array it is the gradient of.
    """
    dhs = np.asarray(dh, dtype=np.float64)
    if dhs.shape != trace.h.shape:
        raise ValueError(f"dh must have shape {trace.h.shape}, got {dhs.shape}.")
    dcs = None if dc is None else np.asarray(dc, dtype=np.float64)
    if dcs is not None and (trace.cell != "lstm" or dcs.shape != trace.h.shape):
        raise ValueError(f"dc is only for the LSTM and must have shape {trace.h.shape}.")
    if trace.cell == "rnn":
        return rnn.backward(trace, dhs)
    if trace.cell == "gru":
        return gru.backward(trace, dhs)
    return lstm.backward(trace, dhs, dcs)


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
