"""Elman RNN cell: h_t = f(a_t), a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh.

f is tanh (the default, PyTorch's nn.RNN) or relu(a) = max(a, 0) (nn.RNN with
nonlinearity="relu", the IRNN of Le, Jaitly & Hinton, 2015). Its slope f'(a) is
1 - h^2 for tanh and 1[a > 0] for relu (0 at a = 0 exactly, as PyTorch takes it).

Arrays may carry batch axes after T: X (T, ..., H), h0 (..., H). One sequence
has none, which keeps every per-step operation on plain vectors (the fastest case).
cells.py computes X = W_ih x_t + b_ih for all steps and the weight gradients.
"""

from __future__ import annotations

import numpy as np

from .numerics import Array, Inputs, Params
from .trace import Trace

NONLINEARITIES: tuple[str, ...] = ("tanh", "relu")


def check_nonlinearity(cell: str, nonlinearity: str) -> None:
    """Raise ValueError unless `nonlinearity` is one the `cell` can use."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(
            f"Unknown nonlinearity {nonlinearity!r}: choose one of {', '.join(NONLINEARITIES)}."
        )
    if nonlinearity != "tanh" and cell != "rnn":
        raise ValueError(
            f"The {cell} cell always uses tanh and sigmoid gates; "
            f"only the plain RNN can use {nonlinearity}."
        )


def forward(params: Params, X: Array, xs: Inputs, h0: Array, nonlinearity: str = "tanh") -> Trace:
    """Return the trace of running the RNN from X = W_ih x + b_ih (T, ..., H) and h0 (..., H)."""
    W_hh = params["weight_hh"]  # (H, H)
    A = X  # (T, ..., H) becomes a_t, the pre-activation, in place
    A += params["bias_hh"]
    hs = np.empty_like(A)  # (T, ..., H)
    W_hh_T = np.ascontiguousarray(W_hh.T)  # (H, H)
    h_prev = h0  # (..., H)
    gh = np.empty_like(h0)  # W_hh h_prev, one buffer for every step
    # At batch 1 a step is mostly call overhead: ufuncs bound to locals and given `out`
    # as their last positional argument (ufunc(a, b, out)) cost measurably less
    # (np.maximum is the exception: NumPy wants its `out` by keyword).
    add, dot = np.add, np.dot
    zero = A.dtype.type(0)
    # zip hands out each step's views more cheaply than indexing [t]
    if nonlinearity == "tanh":
        tanh = np.tanh
        for a_t, h_t in zip(A, hs, strict=True):
            dot(h_prev, W_hh_T, gh)
            add(a_t, gh, a_t)
            h_prev = tanh(a_t, h_t)  # h_t = tanh(a_t)
    else:
        maximum = np.maximum
        for a_t, h_t in zip(A, hs, strict=True):
            dot(h_prev, W_hh_T, gh)
            add(a_t, gh, a_t)
            h_prev = maximum(a_t, zero, out=h_t)  # h_t = relu(a_t) = max(a_t, 0)
    return Trace("rnn", params, xs, h0, None, hs, None, {"a": A}, nonlinearity=nonlinearity)


def local_derivatives(trace: Trace) -> Array:
    """Return dh_t/da_t for every step, shape (T, ..., H): 1 - h_t^2 (tanh) or 1[a_t > 0]."""
    if trace.nonlinearity == "relu":
        a = trace.gates["a"]  # (T, ..., H)
        return (a > 0).astype(a.dtype)
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
        add(dh_out, dh_next, dh)  # forward: h_t = f(a_t) ...
        multiply(da, dh, da)
        dot(da, W_hh, dh_next)  # ... a_t = W_hh h_{t-1} + ...
    return dA, dA, {"h0": dh_next}


def step_jacobians(trace: Trace) -> tuple[Array, Array]:
    """Return J (T, H, H) = dh_t/dh_{t-1} and Bx (T, H, D) = dh_t/dx_t for one sequence."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]
    d = local_derivatives(trace)  # (T, H)
    return d[:, :, None] * W_hh, d[:, :, None] * W_ih
