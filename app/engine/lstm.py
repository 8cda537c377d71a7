"""LSTM cell, PyTorch gate order i, f, g, o.

    i, f, o = sigmoid(W_i* x + b_i* + W_h* h_prev + b_h*)      gates in (0, 1)
    g       = tanh(W_ig x + b_ig + W_hg h_prev + b_hg)        candidate
    c       = f * c_prev + i * g
    h       = o * tanh(c)

Arrays may carry batch axes after T: X (T, ..., 4H), h0 and c0 (..., H). cells.py
computes X = W_ih x_t + b_ih for all steps and the weight gradients.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat

import numpy as np

from .numerics import Array, Inputs, Params
from .trace import Trace


def forward(params: Params, X: Array, xs: Inputs, h0: Array, c0: Array) -> Trace:
    """Return the LSTM's trace from X = W_ih x + b_ih (T, ..., 4H) and h0, c0 (..., H)."""
    W_hh = params["weight_hh"]  # (4H, H)
    H = W_hh.shape[1]
    batch = h0.shape[:-1]
    # sigmoid(a) = (1 + tanh(a / 2)) / 2, so halving the i, f, o rows lets a single
    # tanh call per step serve all four gates. Halving is exact in floating point.
    scale = np.full(4 * H, 0.5, dtype=X.dtype)
    scale[2 * H : 3 * H] = 1.0
    offset = 1.0 - scale  # 0.5 for i, f, o; 0 for g
    Z = X  # (T, ..., 4H) becomes the scaled input half of every pre-activation, in place
    Z += params["bias_hh"]
    Z *= scale
    W_hh_T = np.ascontiguousarray((W_hh * scale[:, None]).T)  # (H, 4H)
    # Same ndim as a step's z: numpy is measurably slower when it has to broadcast.
    scale = np.broadcast_to(scale, batch + (4 * H,)).copy()
    offset = np.broadcast_to(offset, batch + (4 * H,)).copy()
    # One row per step holds [c_prev, i, f, g, o] side by side, so a single multiply
    # gives [c_prev * f, i * g] and one add gives c, written as the next row's c_prev.
    # Few, larger numpy calls per step: at batch 1 the per-call cost is what counts.
    Q = np.empty((len(Z) + 1, *batch, 5 * H), dtype=Z.dtype)  # (T+1, ..., 5H)
    Q[0, ..., :H] = c0
    gates = Q[:-1, ..., H:]  # (T, ..., 4H) i, f, g, o after their nonlinearity
    cs = Q[1:, ..., :H]  # (T, ..., H)
    tanh_cs = np.empty_like(cs)
    hs = np.empty_like(tanh_cs)
    fc_ig = np.empty(batch + (2 * H,), dtype=Z.dtype)  # [f * c_prev, i * g], reused
    fc, ig = fc_ig[..., :H], fc_ig[..., H:]
    h_prev = h0
    # np.dot is the cheapest call but wants a contiguous out, which a batch's z is not
    product = np.dot if not batch else np.matmul
    # Each step's views come from zip over sliced arrays: cheaper than slicing in the loop.
    rows = Q[:-1]
    steps = zip(
        Z,
        gates,
        rows[..., : 2 * H],
        rows[..., 2 * H : 4 * H],
        rows[..., 4 * H :],
        cs,
        tanh_cs,
        hs,
        strict=True,
    )
    # At batch 1 a step is mostly call overhead: ufuncs bound to locals and given `out`
    # as their last positional argument (ufunc(a, b, out)) cost measurably less.
    add, multiply, tanh = np.add, np.multiply, np.tanh
    for z_in, z, c_prev_i, f_g, o, c, tanh_c, h in steps:
        product(h_prev, W_hh_T, z)  # z (..., 4H)
        add(z, z_in, z)
        tanh(z, z)
        multiply(z, scale, z)
        add(z, offset, z)  # z now holds i, f, g, o
        multiply(c_prev_i, f_g, fc_ig)  # [c_prev * f, i * g]
        add(fc, ig, c)  # c = f * c_prev + i * g
        tanh(c, tanh_c)
        h_prev = multiply(o, tanh_c, h)  # h = o * tanh(c)
    named = {name: gates[..., k * H : (k + 1) * H] for k, name in enumerate("ifgo")}
    return Trace("lstm", params, xs, h0, c0, hs, cs, named, {"tanh_c": tanh_cs})


def local_derivatives(trace: Trace) -> tuple[Array, Array, Array]:
    """Return the per-step coefficients that both backward and the Jacobians use.

    - Kc (T, ..., H): dc_t from dh_t, o * (1 - tanh(c)^2)
    - K (T, ..., 4H): d(pre-activation) of i, f, g from dc_t and of o from dh_t
    - F (T, ..., H): dc_{t-1} from dc_t, the forget gate
    """
    tanh_c = trace.cache["tanh_c"]  # (T, ..., H)
    Kc = np.empty_like(tanh_c)
    K = np.empty(tanh_c.shape[:-1] + (4 * tanh_c.shape[-1],), dtype=tanh_c.dtype)
    _coefficients(trace, Kc, K)
    return Kc, K, trace.gates["f"]


def _coefficients(trace: Trace, Kc: Array, K: Array) -> None:
    """Write local_derivatives' Kc (T, ..., H) and K (T, ..., 4H) into the arrays given.

    In place, block by block: no temporaries and no concatenation, which at training
    sizes cost as much as the arithmetic.
    """
    gates = trace.gates
    Ig, Fg, Gg, Og = gates["i"], gates["f"], gates["g"], gates["o"]
    assert trace.c is not None and trace.c0 is not None
    tanh_c = trace.cache["tanh_c"]
    H = tanh_c.shape[-1]
    Ki, Kf, Kg, Ko = (K[..., k * H : (k + 1) * H] for k in range(4))
    np.multiply(tanh_c, tanh_c, out=Kc)  # h = o * tanh(c)
    np.subtract(1.0, Kc, out=Kc)
    Kc *= Og
    np.subtract(1.0, Ig, out=Ki)  # c = ... + i * g, di/da_i = i (1 - i)
    Ki *= Ig
    Ki *= Gg
    np.subtract(1.0, Fg, out=Kf)  # c = f * c_prev + ...
    Kf *= Fg
    Kf[0] *= trace.c0
    Kf[1:] *= trace.c[:-1]
    np.multiply(Gg, Gg, out=Kg)  # dg/da_g = 1 - g^2
    np.subtract(1.0, Kg, out=Kg)
    Kg *= Ig
    np.subtract(1.0, Og, out=Ko)  # h = o * tanh(c)
    Ko *= Og
    Ko *= tanh_c


def backward(
    trace: Trace, dhs: Array, dcs: Array | None = None
) -> tuple[Array, Array, dict[str, Array]]:
    """Return (dZ, dZ, {"h0", "c0"}) given dhs (and optionally dcs), each (T, ..., H).

    dZ (T, ..., 4H) = dL/d(pre-activation) of i, f, g, o: both the input half's and the
    hidden half's gradient, since the two are added.
    """
    W_hh = trace.params["weight_hh"]  # (4H, H)
    h0 = trace.h0
    H = h0.shape[-1]
    batch = h0.shape[:-1]
    F = trace.gates["f"]  # (T, ..., H)
    # A step's work in three elementwise calls, on a buffer E = [dc, dc, dc, dh] (4H):
    #   [dc_{t+1}, dh_t] * [f_{t+1}, Kc_t] then a sum gives dc_t, written to all three dc
    #   slots at once; E * K_t then gives dZ_t for i, f, g (from dc) and o (from dh).
    FK = np.empty(F.shape[:-1] + (2 * H,), dtype=F.dtype)  # (T, ..., 2H) [f_{t+1}, Kc_t]
    FK[:-1, ..., :H] = F[1:]
    FK[-1, ..., :H] = 0.0  # nothing flows back from beyond the last step
    # K (T, ..., 4H) becomes dZ = dL/d(pre-activation) of i, f, g, o, step by step in place
    K = np.empty(F.shape[:-1] + (4 * H,), dtype=F.dtype)
    _coefficients(trace, FK[..., H:], K)
    E = np.zeros(batch + (4 * H,), dtype=K.dtype)  # [dc, dc, dc, dh] of the current step
    dc3 = E[..., : 3 * H].reshape(batch + (3, H))  # the three dc slots
    dh, dc_dh = E[..., 3 * H :], E[..., 2 * H :]
    fc_kh = np.empty(batch + (2 * H,), dtype=K.dtype)  # [dc_{t+1} f_{t+1}, dh_t Kc_t]
    # both halves broadcast to the three dc slots once, here, not in every step
    fc3 = np.broadcast_to(fc_kh[..., None, :H], batch + (3, H))
    kh3 = np.broadcast_to(fc_kh[..., None, H:], batch + (3, H))
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1
    dc_outs: Iterable[Array | None] = repeat(None, len(dhs)) if dcs is None else dcs
    steps = zip(dhs, dc_outs, FK, K, strict=True)
    add, multiply, dot = np.add, np.multiply, np.dot  # see forward: `out` positional
    for dh_out, dc_out, fk, dz in reversed(list(steps)):
        add(dh_out, dh_next, dh)
        multiply(dc_dh, fk, fc_kh)
        add(fc3, kh3, dc3)  # c_{t+1} = f_{t+1} c_t + ...,  h_t = o tanh(c_t)
        if dc_out is not None:
            dc3 += dc_out[..., None, :]
        multiply(dz, E, dz)  # c = f * c_prev + i * g,  h = o * tanh(c)
        # z = W_hh h_prev + ...; dz W_hh reads W_hh as stored: with no transposed copy
        # to make per call, this beat W_hh^T dz by about 5% of backward (H=64, T=100)
        dot(dz, W_hh, dh_next)
    dc0 = E[..., :H] * F[0]  # c_1 = f_1 * c0 + ...
    return K, K, {"h0": dh_next, "c0": dc0}


def step_jacobians(trace: Trace) -> tuple[Array, Array]:
    """Return J (T, 2H, 2H) = ds_t/ds_{t-1} and Bx (T, 2H, D) = ds_t/dx_t, state s = (h, c)."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]
    H, D = W_hh.shape[1], W_ih.shape[1]
    Kc, K, F = local_derivatives(trace)  # (T, H), (T, 4H), (T, H)
    T = Kc.shape[0]
    K4 = K.reshape(T, 4, H)

    def through_gates(W4: Array) -> tuple[Array, Array]:
        # dc/d(input) via i, f, g; dh/d(input) = Kc dc/d(input) + K_o W_o
        dc = np.einsum("tgi,gij->tij", K4[:, :3], W4[:3])
        dh = Kc[:, :, None] * dc + K4[:, 3, :, None] * W4[3]
        return dh, dc

    J = np.zeros((T, 2 * H, 2 * H))
    J[:, :H, :H], J[:, H:, :H] = through_gates(W_hh.reshape(4, H, H))
    diag = np.arange(H)
    J[:, diag, H + diag] = Kc * F  # dh/dc_prev
    J[:, H + diag, H + diag] = F  # dc/dc_prev
    Bx = np.empty((T, 2 * H, D))
    Bx[:, :H], Bx[:, H:] = through_gates(W_ih.reshape(4, H, D))
    return J, Bx
