"""LSTM cell, PyTorch gate order i, f, g, o.

    i, f, o = sigmoid(W_i* x + b_i* + W_h* h_prev + b_h*)      gates in (0, 1)
    g       = tanh(W_ig x + b_ig + W_hg h_prev + b_hg)        candidate
    c       = f * c_prev + i * g
    h       = o * tanh(c)

Arrays may carry batch axes after T: xs (T, ..., D), h0 and c0 (..., H).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat

import numpy as np

from .numerics import Array, Params
from .trace import Trace


def forward(params: Params, xs: Array, h0: Array, c0: Array) -> Trace:
    """Return the trace of running the LSTM over xs (T, ..., D) from h0, c0 (..., H)."""
    W_ih, W_hh = params["weight_ih"], params["weight_hh"]  # (4H, D), (4H, H)
    b = params["bias_ih"] + params["bias_hh"]  # (4H,)
    H = W_hh.shape[1]
    # sigmoid(a) = (1 + tanh(a / 2)) / 2, so halving the i, f, o rows lets a single
    # tanh call per step serve all four gates. Halving is exact in floating point.
    scale = np.full(4 * H, 0.5)
    scale[2 * H : 3 * H] = 1.0
    offset = 1.0 - scale  # 0.5 for i, f, o; 0 for g
    Z = xs @ (W_ih * scale[:, None]).T + b * scale  # (T, ..., 4H) input half, all steps
    W_hh_T = np.ascontiguousarray((W_hh * scale[:, None]).T)  # (H, 4H)
    # Same ndim as a step's z: numpy is measurably slower when it has to broadcast.
    scale = np.broadcast_to(scale, Z.shape[1:]).copy()
    offset = np.broadcast_to(offset, Z.shape[1:]).copy()
    gates = np.empty_like(Z)  # (T, ..., 4H) i, f, g, o after their nonlinearity
    Ig, Fg, Gg, Og = (gates[..., k * H : (k + 1) * H] for k in range(4))  # each (T, ..., H)
    cs = np.empty(xs.shape[:-1] + (H,))  # (T, ..., H)
    tanh_cs = np.empty_like(cs)
    hs = np.empty_like(cs)
    h_prev, c_prev = h0, c0
    # zip hands out each step's views more cheaply than indexing [t]
    steps = zip(Z, gates, Ig, Fg, Gg, Og, cs, tanh_cs, hs, strict=True)
    for z_in, z, i, f, g, o, c, tanh_c, h in steps:
        np.dot(h_prev, W_hh_T, out=z)  # (..., 4H)
        z += z_in
        np.tanh(z, out=z)
        z *= scale
        z += offset  # z now holds i, f, g, o
        np.multiply(f, c_prev, out=c)
        c += i * g
        np.tanh(c, out=tanh_c)
        h_prev = np.multiply(o, tanh_c, out=h)
        c_prev = c
    named = {"i": Ig, "f": Fg, "g": Gg, "o": Og}
    return Trace("lstm", params, xs, h0, c0, hs, cs, named, {"tanh_c": tanh_cs})


def local_derivatives(trace: Trace) -> tuple[Array, Array, Array]:
    """Return the per-step coefficients that both backward and the Jacobians use.

    - Kc (T, ..., H): dc_t from dh_t, o * (1 - tanh(c)^2)
    - K (T, ..., 4H): d(pre-activation) of i, f, g from dc_t and of o from dh_t
    - F (T, ..., H): dc_{t-1} from dc_t, the forget gate
    """
    gates = trace.gates
    Ig, Fg, Gg, Og = gates["i"], gates["f"], gates["g"], gates["o"]
    assert trace.c is not None and trace.c0 is not None
    tanh_c = trace.cache["tanh_c"]
    c_prev = np.concatenate([trace.c0[None], trace.c[:-1]])  # (T, ..., H)
    Kc = Og * (1.0 - tanh_c * tanh_c)
    K = np.concatenate(
        [
            Gg * Ig * (1.0 - Ig),  # c = ... + i * g, di/da_i = i (1 - i)
            c_prev * Fg * (1.0 - Fg),  # c = f * c_prev + ...
            Ig * (1.0 - Gg * Gg),  # dg/da_g = 1 - g^2
            tanh_c * Og * (1.0 - Og),  # h = o * tanh(c)
        ],
        axis=-1,
    )
    return Kc, K, Fg


def backward(trace: Trace, dhs: Array, dcs: Array | None = None) -> dict[str, Array]:
    """Return BPTT gradients given dhs (and optionally dcs), each (T, ..., H), from outside."""
    W_ih, W_hh = trace.params["weight_ih"], trace.params["weight_hh"]  # (4H, D), (4H, H)
    xs, hs, h0 = trace.xs, trace.h, trace.h0
    H, D = hs.shape[-1], xs.shape[-1]
    Kc, K, F = local_derivatives(trace)
    K_i, K_f, K_g, K_o = (K[..., k * H : (k + 1) * H] for k in range(4))
    dZ = np.empty_like(K)  # (T, ..., 4H) dL/d(pre-activation) of i, f, g, o
    dZ_i, dZ_f, dZ_g, dZ_o = (dZ[..., k * H : (k + 1) * H] for k in range(4))
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1
    dc_next = np.zeros_like(h0)  # dL/dc_t arriving from step t+1
    dc_outs: Iterable[Array | None] = repeat(None, len(dhs)) if dcs is None else dcs
    steps = zip(dhs, dc_outs, Kc, F, K_i, K_f, K_g, K_o, dZ, dZ_i, dZ_f, dZ_g, dZ_o, strict=True)
    for dh_out, dc_out, kc, f, k_i, k_f, k_g, k_o, dz, dz_i, dz_f, dz_g, dz_o in reversed(
        list(steps)
    ):
        dh = dh_out + dh_next
        dc = dh * kc  # h = o * tanh(c)
        dc += dc_next
        if dc_out is not None:
            dc += dc_out
        np.multiply(dc, k_i, out=dz_i)  # c = f * c_prev + i * g
        np.multiply(dc, k_f, out=dz_f)
        np.multiply(dc, k_g, out=dz_g)
        np.multiply(dh, k_o, out=dz_o)  # h = o * tanh(c)
        dc_next = np.multiply(dc, f, out=dc)  # c = f * c_prev + ...
        dh_next = np.dot(dz, W_hh)  # z = W_hh h_prev + ...
    hs_prev = np.concatenate([h0[None], hs[:-1]])  # (T, ..., H)
    dZ_flat = dZ.reshape(-1, 4 * H)  # (N, 4H) with N = T * batch
    db = dZ_flat.sum(axis=0)  # (4H,)
    return {
        "weight_ih": dZ_flat.T @ xs.reshape(-1, D),  # (4H, D)
        "weight_hh": dZ_flat.T @ hs_prev.reshape(-1, H),  # (4H, H)
        "bias_ih": db,
        "bias_hh": db.copy(),
        "xs": dZ @ W_ih,  # (T, ..., D)
        "h0": dh_next,  # (..., H)
        "c0": dc_next,  # (..., H)
    }


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
