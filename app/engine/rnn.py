"""Elman RNN cell: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

Arrays may carry batch axes after T: X (T, ..., H), h0 (..., H). One sequence
has none, which keeps every per-step operation on plain vectors (the fastest case).
cells.py computes X = W_ih x_t + b_ih for all steps and the weight gradients.
"""

from __future__ import annotations

import numpy as np

from .numerics import Array, Inputs, Params
from .trace import Trace


def forward(params: Params, X: Array, xs: Inputs, h0: Array) -> Trace:
    """Return the trace of running the RNN from X = W_ih x + b_ih (T, ..., H) and h0 (..., H)."""
    W_hh = params["weight_hh"]  # (H, H)
    A = X  # (T, ..., H) becomes a_t, the pre-activation, in place
    A += params["bias_hh"]
    hs = np.empty_like(A)  # (T, ..., H)
    W_hh_T = np.ascontiguousarray(W_hh.T)  # (H, H)
    h_prev = h0  # (..., H)
    gh = np.empty_like(h0)  # W_hh h_prev, one buffer for every step
    # At batch 1 a step is mostly call overhead: ufuncs bound to locals and given `out`
    # as their last positional argument (ufunc(a, b, out)) cost measurably less.
    add, tanh, dot = np.add, np.tanh, np.dot
    # zip hands out each step's views more cheaply than indexing [t]
    for a_t, h_t in zip(A, hs, strict=True):
        dot(h_prev, W_hh_T, gh)
        add(a_t, gh, a_t)
        h_prev = tanh(a_t, h_t)
    return Trace("rnn", params, xs, h0, None, hs, None, {"a": A})


def local_derivatives(trace: Trace) -> Array:
    """Return dh_t/da_t = 1 - h_t^2 for every step, shape (T, ..., H)."""
    out: Array = 1.0 - trace.h * trace.h
    return out


def backward(trace: Trace, dhs: Array) -> tuple[Array, Array, dict[str, Array]]:
    """Return (dA, dA, {"h0": dL/dh0}) given dhs (T, ..., H) = dL/dh_t from outside each step.

    dA = dL/da_t is both dL/dX (input half) and dL/d(W_hh h_prev + b_hh) (hidden half).
    """
    W_hh = trace.params["weight_hh"]  # (H, H)
    dA = local_derivatives(trace)  # (T, ..., H); overwritten in place with dL/da_t
    dh_next = np.zeros_like(trace.h0)  # dL/dh_t arriving from step t+1
    dh = np.empty_like(dh_next)
    add, multiply, dot = np.add, np.multiply, np.dot  # see forward: `out` positional
    for dh_out, da in zip(dhs[::-1], dA[::-1], strict=True):
        add(dh_out, dh_next, dh)  # forward: h_t = tanh(a_t) ...
        multiply(da, dh, da)
        dot(da, W_hh, dh_next)  # ... a_t = W_hh h_{t-1} + ...
    return dA, dA, {"h0": dh_next}


def step_jacobians(trace: Trace) -> tuple[Array, Array]:
    """Return J (T, H, H) = dh_t/dh_{t-1} and Bx (T, H, D) = dh_t/dx_t for one sequence."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]
    d = local_derivatives(trace)  # (T, H)
    return d[:, :, None] * W_hh, d[:, :, None] * W_ih
