"""GRU cell, PyTorch gate order r, z, n.

    r  = sigmoid(W_ir x + b_ir + W_hr h_prev + b_hr)      reset gate
    z  = sigmoid(W_iz x + b_iz + W_hz h_prev + b_hz)      update gate
    hn = W_hn h_prev + b_hn
    n  = tanh(W_in x + b_in + r * hn)                     candidate
    h  = (1 - z) * n + z * h_prev

Arrays may carry batch axes after T: X (T, ..., 3H), h0 (..., H). cells.py computes
X = W_ih x_t + b_ih for all steps and the weight gradients.
"""

from __future__ import annotations

import numpy as np

from .numerics import Array, Inputs, Params
from .trace import Trace


def forward(params: Params, X: Array, xs: Inputs, h0: Array) -> Trace:
    """Return the GRU's trace from X = W_ih x + b_ih (T, ..., 3H) and h0 (..., H)."""
    W_hh, b_hh = params["weight_hh"], params["bias_hh"]  # (3H, H), (3H,)
    H = W_hh.shape[1]
    # sigmoid(a) = (1 + tanh(a / 2)) / 2: halving the r and z rows (exact in floating
    # point) lets one tanh call serve both gates.
    scale = np.ones(3 * H, dtype=X.dtype)
    scale[: 2 * H] = 0.5
    X *= scale  # (T, ..., 3H) input side, all steps, scaled in place
    X_rz, X_n = X[..., : 2 * H], X[..., 2 * H :]
    W_hh_T = np.ascontiguousarray((W_hh * scale[:, None]).T)  # (H, 3H)
    # Same ndim as a step's gh: numpy is measurably slower when it has to broadcast.
    b_hh_s = np.broadcast_to(b_hh * scale, X.shape[1:]).copy()
    gates = np.empty_like(X)  # (T, ..., 3H) r, z, n
    RZ = gates[..., : 2 * H]
    R, Zg, N = (gates[..., k * H : (k + 1) * H] for k in range(3))  # each (T, ..., H)
    GH = np.empty_like(X)  # (T, ..., 3H) hidden side W_hh h_prev + b_hh, scaled like the gates
    GH_rz, HN = GH[..., : 2 * H], GH[..., 2 * H :]  # HN (T, ..., H) is hn, unscaled
    hs = np.empty(X.shape[:-1] + (H,), dtype=X.dtype)  # (T, ..., H)
    h_prev = h0  # (..., H)
    # zip hands out each step's views more cheaply than indexing [t]
    steps = zip(GH, GH_rz, HN, X_rz, X_n, RZ, R, Zg, N, hs, strict=True)
    # At batch 1 a step is mostly call overhead: ufuncs bound to locals and given `out`
    # as their last positional argument (ufunc(a, b, out)) cost measurably less.
    add, subtract, multiply, tanh, dot = np.add, np.subtract, np.multiply, np.tanh, np.dot
    for gh, gh_rz, hn, x_rz, x_n, rz, r, z, n, h in steps:
        dot(h_prev, W_hh_T, gh)
        add(gh, b_hh_s, gh)
        add(x_rz, gh_rz, rz)
        tanh(rz, rz)
        multiply(rz, 0.5, rz)
        add(rz, 0.5, rz)  # r, z = sigmoid(...)
        multiply(r, hn, n)
        add(n, x_n, n)
        tanh(n, n)
        subtract(h_prev, n, h)  # h = n + z * (h_prev - n)
        multiply(h, z, h)
        add(h, n, h)
        h_prev = h
    named = {"r": R, "z": Zg, "n": N}
    return Trace("gru", params, xs, h0, None, hs, None, named, {"hn": HN})


def local_derivatives(trace: Trace) -> tuple[Array, Array, Array]:
    """Return the per-step coefficients that both backward and the Jacobians use.

    - Kh (T, ..., 3H): d(hidden-side pre-activation of r, z, n) from dh_t
    - Kn (T, ..., H): d(input-side pre-activation of n) from dh_t
    - Z (T, ..., H): dh_{t-1} from dh_t directly, the update gate
    """
    K4, Z = _coefficients(trace)
    H = Z.shape[-1]
    return K4[..., : 3 * H], K4[..., 3 * H :], Z


def _coefficients(trace: Trace) -> tuple[Array, Array]:
    """Return K4 (T, ..., 4H) = [Kh (r, z, n), Kn] side by side, and Z (T, ..., H).

    Built in place, block by block: no temporaries and no concatenation, which at
    training sizes cost as much as the arithmetic.
    """
    R, Z, N = trace.gates["r"], trace.gates["z"], trace.gates["n"]
    HN = trace.cache["hn"]
    H = Z.shape[-1]
    K4 = np.empty(Z.shape[:-1] + (4 * H,), dtype=Z.dtype)
    Kr, Kz, Knh, Kn = (K4[..., k * H : (k + 1) * H] for k in range(4))
    np.subtract(1.0, Z, out=Kz)
    np.multiply(N, N, out=Kn)
    np.subtract(1.0, Kn, out=Kn)
    Kn *= Kz  # h = (1 - z) n + ...,  n = tanh(a_n)
    Kz *= Z  # h = n + z (h_prev - n), z = sigmoid(a_z)
    np.subtract(trace.h0, N[0], out=Knh[0])  # h_prev - n, Knh as scratch
    np.subtract(trace.h[:-1], N[1:], out=Knh[1:])
    Kz *= Knh
    np.multiply(Kn, R, out=Knh)  # a_n = ... + r * hn
    np.subtract(1.0, R, out=Kr)  # a_n = ... + r * hn, r = sigmoid(a_r)
    Kr *= R
    Kr *= HN
    Kr *= Kn
    return K4, Z


def backward(trace: Trace, dhs: Array) -> tuple[Array, Array, dict[str, Array]]:
    """Return (dGX, dGH, {"h0": dL/dh0}) given dhs (T, ..., H) = dL/dh_t from outside each step.

    dGX (T, ..., 3H) = dL/d(W_ih x + b_ih) and dGH (T, ..., 3H) = dL/d(W_hh h_prev + b_hh),
    rows r, z, n. They agree on r and z; n's hidden side is scaled by r.
    """
    W_hh = trace.params["weight_hh"]  # (3H, H)
    h0 = trace.h0
    H = h0.shape[-1]
    K4, Z = _coefficients(trace)  # (T, ..., 4H): r, z, n hidden side, n input side
    shape4 = K4.shape[:-1] + (4, H)
    D4 = K4  # (T, ..., 4H) becomes dL/d of the same four pre-activations, step by step
    dGH = D4[..., : 3 * H]  # (T, ..., 3H) dL/d(W_hh h_prev + b_hh), rows r, z, n
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1
    dh = np.empty_like(h0)
    dh4 = dh.reshape(h0.shape[:-1] + (1, H))  # the same memory, broadcast over 4 blocks
    add, multiply, dot = np.add, np.multiply, np.dot  # see forward: `out` positional
    steps = zip(dhs, D4.reshape(shape4), dGH, Z, strict=True)
    for dh_out, d4, dgh, z in reversed(list(steps)):
        add(dh_out, dh_next, dh)
        multiply(d4, dh4, d4)  # all four pre-activations take dh
        dot(dgh, W_hh, dh_next)  # gh = W_hh h_prev + b_hh
        multiply(dh, z, dh)  # h = ... + z * h_prev
        add(dh_next, dh, dh_next)
    dGX = np.concatenate([D4[..., : 2 * H], D4[..., 3 * H :]], axis=-1)  # r, z, n input side
    return dGX, dGH, {"h0": dh_next}


def step_jacobians(trace: Trace) -> tuple[Array, Array]:
    """Return J (T, H, H) = dh_t/dh_{t-1} and Bx (T, H, D) = dh_t/dx_t for one sequence."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]
    H, D = W_hh.shape[1], W_ih.shape[1]
    Kh, Kn, Z = local_derivatives(trace)  # (T, 3H), (T, H), (T, H)
    T = Kn.shape[0]
    Kh3 = Kh.reshape(T, 3, H)
    J = np.einsum("tgi,gij->tij", Kh3, W_hh.reshape(3, H, H))
    diag = np.arange(H)
    J[:, diag, diag] += Z
    Kx = Kh3.copy()
    Kx[:, 2] = Kn  # the input side of n is not scaled by r
    Bx = np.einsum("tgi,gij->tij", Kx, W_ih.reshape(3, H, D))
    return J, Bx
