"""GRU cell, PyTorch gate order r, z, n.

    r  = sigmoid(W_ir x + b_ir + W_hr h_prev + b_hr)      reset gate
    z  = sigmoid(W_iz x + b_iz + W_hz h_prev + b_hz)      update gate
    hn = W_hn h_prev + b_hn
    n  = tanh(W_in x + b_in + r * hn)                     candidate
    h  = (1 - z) * n + z * h_prev

Arrays may carry batch axes after T: xs (T, ..., D), h0 (..., H).
"""

from __future__ import annotations

import numpy as np

from .numerics import Array, Params
from .trace import Trace


def forward(params: Params, xs: Array, h0: Array) -> Trace:
    """Return the trace of running the GRU over xs (T, ..., D) from h0 (..., H)."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]  # (3H, D), (3H, H)
    b_ih, b_hh = params["bias_ih"], params["bias_hh"]  # (3H,), (3H,)
    H = W_hh.shape[1]
    # sigmoid(a) = (1 + tanh(a / 2)) / 2: halving the r and z rows (exact in floating
    # point) lets one tanh call serve both gates.
    scale = np.ones(3 * H)
    scale[: 2 * H] = 0.5
    X = xs @ (W_ih * scale[:, None]).T + b_ih * scale  # (T, ..., 3H) input side, all steps
    X_rz, X_n = X[..., : 2 * H], X[..., 2 * H :]
    W_hh_T = np.ascontiguousarray((W_hh * scale[:, None]).T)  # (H, 3H)
    # Same ndim as a step's gh: numpy is measurably slower when it has to broadcast.
    b_hh_s = np.broadcast_to(b_hh * scale, X.shape[1:]).copy()
    gates = np.empty_like(X)  # (T, ..., 3H) r, z, n
    RZ = gates[..., : 2 * H]
    R, Zg, N = (gates[..., k * H : (k + 1) * H] for k in range(3))  # each (T, ..., H)
    GH = np.empty_like(X)  # (T, ..., 3H) hidden side W_hh h_prev + b_hh, scaled like the gates
    GH_rz, HN = GH[..., : 2 * H], GH[..., 2 * H :]  # HN (T, ..., H) is hn, unscaled
    hs = np.empty(xs.shape[:-1] + (H,))  # (T, ..., H)
    h_prev = h0  # (..., H)
    # zip hands out each step's views more cheaply than indexing [t]
    steps = zip(GH, GH_rz, HN, X_rz, X_n, RZ, R, Zg, N, hs, strict=True)
    for gh, gh_rz, hn, x_rz, x_n, rz, r, z, n, h in steps:
        np.dot(h_prev, W_hh_T, out=gh)
        gh += b_hh_s
        np.add(x_rz, gh_rz, out=rz)
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5  # r, z = sigmoid(...)
        np.multiply(r, hn, out=n)
        n += x_n
        np.tanh(n, out=n)
        np.subtract(h_prev, n, out=h)  # h = n + z * (h_prev - n)
        h *= z
        h += n
        h_prev = h
    named = {"r": R, "z": Zg, "n": N}
    return Trace("gru", params, xs, h0, None, hs, None, named, {"hn": HN})


def local_derivatives(trace: Trace) -> tuple[Array, Array, Array]:
    """Return the per-step coefficients that both backward and the Jacobians use.

    - Kh (T, ..., 3H): d(hidden-side pre-activation of r, z, n) from dh_t
    - Kn (T, ..., H): d(input-side pre-activation of n) from dh_t
    - Z (T, ..., H): dh_{t-1} from dh_t directly, the update gate
    """
    R, Z, N = trace.gates["r"], trace.gates["z"], trace.gates["n"]
    HN = trace.cache["hn"]
    hs_prev = np.concatenate([trace.h0[None], trace.h[:-1]])  # (T, ..., H)
    Kn = (1.0 - Z) * (1.0 - N * N)  # h = (1 - z) n + ...,  n = tanh(a_n)
    Kh = np.concatenate(
        [
            Kn * HN * R * (1.0 - R),  # a_n = ... + r * hn, r = sigmoid(a_r)
            (hs_prev - N) * Z * (1.0 - Z),  # h = n + z (h_prev - n), z = sigmoid(a_z)
            Kn * R,  # a_n = ... + r * hn
        ],
        axis=-1,
    )
    return Kh, Kn, Z


def backward(trace: Trace, dhs: Array) -> dict[str, Array]:
    """Return BPTT gradients given dhs (T, ..., H) = dL/dh_t from outside each step."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]  # (3H, D), (3H, H)
    xs, hs, h0 = trace.xs, trace.h, trace.h0
    H, D = hs.shape[-1], xs.shape[-1]
    Kh, Kn, Z = local_derivatives(trace)
    K_r, K_z, K_n = (Kh[..., k * H : (k + 1) * H] for k in range(3))
    dGH = np.empty_like(Kh)  # (T, ..., 3H) dL/d(W_hh h_prev + b_hh), rows r, z, n
    dGH_r, dGH_z, dGH_n = (dGH[..., k * H : (k + 1) * H] for k in range(3))
    dAn = np.empty_like(Kn)  # (T, ..., H) dL/d(input-side pre-activation of n)
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1
    steps = zip(dhs, K_r, K_z, K_n, Kn, Z, dGH, dGH_r, dGH_z, dGH_n, dAn, strict=True)
    for dh_out, k_r, k_z, k_n, kn, z, dgh, dgh_r, dgh_z, dgh_n, dan in reversed(list(steps)):
        dh = dh_out + dh_next
        np.multiply(dh, k_r, out=dgh_r)
        np.multiply(dh, k_z, out=dgh_z)
        np.multiply(dh, k_n, out=dgh_n)
        np.multiply(dh, kn, out=dan)
        dh_next = np.dot(dgh, W_hh)  # gh = W_hh h_prev + b_hh
        dh *= z  # h = ... + z * h_prev
        dh_next += dh
    hs_prev = np.concatenate([h0[None], hs[:-1]])  # (T, ..., H)
    dGX = dGH.copy()  # dL/d(W_ih x + b_ih): same as the hidden side for r and z ...
    dGX[..., 2 * H :] = dAn  # ... but n's hidden side is scaled by r
    dGX_flat = dGX.reshape(-1, 3 * H)  # (N, 3H) with N = T * batch
    dGH_flat = dGH.reshape(-1, 3 * H)
    return {
        "weight_ih": dGX_flat.T @ xs.reshape(-1, D),  # (3H, D)
        "weight_hh": dGH_flat.T @ hs_prev.reshape(-1, H),  # (3H, H)
        "bias_ih": dGX_flat.sum(axis=0),  # (3H,)
        "bias_hh": dGH_flat.sum(axis=0),  # (3H,)
        "xs": dGX @ W_ih,  # (T, ..., D)
        "h0": dh_next,  # (..., H)
    }


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
