"""Elman RNN cell: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

Arrays may carry batch axes after T: xs (T, ..., D), h0 (..., H). One sequence
has none, which keeps every per-step operation on plain vectors (the fastest case).
"""

from __future__ import annotations

import numpy as np

from .numerics import Array, Params
from .trace import Trace


def forward(params: Params, xs: Array, h0: Array) -> Trace:
    """Return the trace of running the RNN over xs (T, ..., D) from h0 (..., H)."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]  # (H, D), (H, H)
    b = params["bias_ih"] + params["bias_hh"]  # (H,)
    # The input half of every pre-activation in one matmul; the loop adds W_hh h_prev.
    A = xs @ W_ih.T + b  # (T, ..., H)
    hs = np.empty_like(A)  # (T, ..., H)
    W_hh_T = np.ascontiguousarray(W_hh.T)  # (H, H)
    h_prev = h0  # (..., H)
    # zip hands out each step's views more cheaply than indexing [t]
    for a_t, h_t in zip(A, hs, strict=True):
        a_t += np.dot(h_prev, W_hh_T)
        h_prev = np.tanh(a_t, out=h_t)
    return Trace("rnn", params, xs, h0, None, hs, None, {"a": A})


def local_derivatives(trace: Trace) -> Array:
    """Return dh_t/da_t = 1 - h_t^2 for every step, shape (T, ..., H)."""
    out: Array = 1.0 - trace.h * trace.h
    return out


def backward(trace: Trace, dhs: Array) -> dict[str, Array]:
    """Return BPTT gradients given dhs (T, ..., H) = dL/dh_t from outside each step."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]  # (H, D), (H, H)
    xs, hs, h0 = trace.xs, trace.h, trace.h0
    H, D = hs.shape[-1], xs.shape[-1]
    dA = local_derivatives(trace)  # (T, ..., H); overwritten in place with dL/da_t
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1
    for dh_out, da in zip(dhs[::-1], dA[::-1], strict=True):
        dh = dh_out + dh_next  # forward: h_t = tanh(a_t) ...
        da *= dh
        dh_next = np.dot(da, W_hh)  # ... a_t = W_hh h_{t-1} + ...
    hs_prev = np.concatenate([h0[None], hs[:-1]])  # (T, ..., H)
    dA_flat = dA.reshape(-1, H)  # (N, H) with N = T * batch
    db = dA_flat.sum(axis=0)  # (H,)
    return {
        "weight_ih": dA_flat.T @ xs.reshape(-1, D),  # (H, D)
        "weight_hh": dA_flat.T @ hs_prev.reshape(-1, H),  # (H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
        "xs": dA @ W_ih,  # (T, ..., D)
        "h0": dh_next,  # (..., H)
    }


def step_jacobians(trace: Trace) -> tuple[Array, Array]:
    """Return J (T, H, H) = dh_t/dh_{t-1} and Bx (T, H, D) = dh_t/dx_t for one sequence."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]
    d = local_derivatives(trace)  # (T, H)
    return d[:, :, None] * W_hh, d[:, :, None] * W_ih
