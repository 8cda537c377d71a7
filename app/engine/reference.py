"""The textbook forward pass of each cell, one step and one gate at a time.

This module is for reading, not for speed: every gate is its own line, written as in
the PyTorch documentation for nn.RNN, nn.LSTM and nn.GRU, with their parameter names
and gate order (LSTM i, f, g, o; GRU r, z, n). The fast path (rnn.py, lstm.py,
gru.py) computes the same numbers with stacked gates, one matrix product for the
inputs of all steps and buffers reused in place; tests/engine/test_reference.py
checks the two agree to about 1e-12 and that both match PyTorch.

One sequence at a time: xs (T, D), h0 and c0 (H,). Weights split per gate, for
example W_ii = weight_ih[0:H] (H, D) and W_hi = weight_hh[0:H] (H, H) for the LSTM
input gate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .numerics import Array, Params
from .params import GATES


def sigmoid(a: Array) -> Array:
    """Return 1 / (1 + exp(-a)), the textbook form (may warn on overflow for |a| > 709)."""
    out: Array = 1.0 / (1.0 + np.exp(-a))
    return out


def split_gates(cell: str, params: Params) -> dict[str, Array]:
    """Return each gate's own weights and biases, named as in the PyTorch docs.

    For gate k of the cell: W_ik (H, D), W_hk (H, H), b_ik (H,), b_hk (H,).
    The RNN's single gate has no letter: W_ih, W_hh, b_ih, b_hh.
    """
    H = params["weight_hh"].shape[1]
    if cell == "rnn":
        return {
            "W_ih": params["weight_ih"],
            "W_hh": params["weight_hh"],
            "b_ih": params["bias_ih"],
            "b_hh": params["bias_hh"],
        }
    out: dict[str, Array] = {}
    for k, gate in enumerate(GATES[cell]):
        rows = slice(k * H, (k + 1) * H)
        out[f"W_i{gate}"] = params["weight_ih"][rows]  # (H, D)
        out[f"W_h{gate}"] = params["weight_hh"][rows]  # (H, H)
        out[f"b_i{gate}"] = params["bias_ih"][rows]  # (H,)
        out[f"b_h{gate}"] = params["bias_hh"][rows]  # (H,)
    return out


def relu(a: Array) -> Array:
    """Return max(a, 0), elementwise."""
    out: Array = np.where(a > 0, a, 0.0)
    return out


def rnn_step(p: dict[str, Array], x: Array, h_prev: Array, nonlinearity: str = "tanh") -> Array:
    """Return h = tanh(W_ih x + b_ih + W_hh h_prev + b_hh) (or relu(...)), shape (H,)."""
    a = p["W_ih"] @ x + p["b_ih"] + p["W_hh"] @ h_prev + p["b_hh"]
    return relu(a) if nonlinearity == "relu" else np.tanh(a)


def lstm_step(
    p: dict[str, Array], x: Array, h_prev: Array, c_prev: Array
) -> tuple[Array, Array, dict[str, Array]]:
    """Return (h, c, gates) for one LSTM step; every array is (H,)."""
    i = sigmoid(p["W_ii"] @ x + p["b_ii"] + p["W_hi"] @ h_prev + p["b_hi"])  # input gate
    f = sigmoid(p["W_if"] @ x + p["b_if"] + p["W_hf"] @ h_prev + p["b_hf"])  # forget gate
    g = np.tanh(p["W_ig"] @ x + p["b_ig"] + p["W_hg"] @ h_prev + p["b_hg"])  # candidate
    o = sigmoid(p["W_io"] @ x + p["b_io"] + p["W_ho"] @ h_prev + p["b_ho"])  # output gate
    c = f * c_prev + i * g  # keep part of the old cell, write part of the candidate
    h = o * np.tanh(c)  # show part of the squashed cell
    return h, c, {"i": i, "f": f, "g": g, "o": o}


def gru_step(p: dict[str, Array], x: Array, h_prev: Array) -> tuple[Array, dict[str, Array]]:
    """Return (h, gates) for one GRU step; every array is (H,)."""
    r = sigmoid(p["W_ir"] @ x + p["b_ir"] + p["W_hr"] @ h_prev + p["b_hr"])  # reset gate
    z = sigmoid(p["W_iz"] @ x + p["b_iz"] + p["W_hz"] @ h_prev + p["b_hz"])  # update gate
    # PyTorch applies r after W_hn h_prev + b_hn (Cho et al. apply it before W_hn).
    n = np.tanh(p["W_in"] @ x + p["b_in"] + r * (p["W_hn"] @ h_prev + p["b_hn"]))  # candidate
    h = (1.0 - z) * n + z * h_prev  # z near 1 keeps the old state
    return h, {"r": r, "z": z, "n": n}


@dataclass(frozen=True)
class ReferenceRun:
    """What the reference forward computed: h (T, H), c (T, H) or None, gates name -> (T, H)."""

    h: Array
    c: Array | None
    gates: dict[str, Array]


def forward(
    cell: str,
    params: Params,
    xs: Array,
    h0: Array | None = None,
    c0: Array | None = None,
    nonlinearity: str = "tanh",
) -> ReferenceRun:
    """Return the states and gates of running `cell` over xs (T, D), one step at a time.

    h0 and c0 (H,) default to zeros. The RNN's "gate" is its pre-activation a, as in Trace;
    nonlinearity "relu" (the RNN only) is nn.RNN(nonlinearity="relu").
    """
    H = params["weight_hh"].shape[1]
    p = split_gates(cell, params)
    h = np.zeros(H) if h0 is None else h0  # (H,)
    c = np.zeros(H) if c0 is None else c0  # (H,), LSTM only
    hs: list[Array] = []
    cs: list[Array] = []
    steps: list[dict[str, Array]] = []
    for x in xs:  # x (D,)
        if cell == "rnn":
            a = p["W_ih"] @ x + p["b_ih"] + p["W_hh"] @ h + p["b_hh"]
            h = rnn_step(p, x, h, nonlinearity)
            steps.append({"a": a})
        elif cell == "lstm":
            h, c, gates = lstm_step(p, x, h, c)
            cs.append(c)
            steps.append(gates)
        elif cell == "gru":
            h, gates = gru_step(p, x, h)
            steps.append(gates)
        else:
            raise ValueError(f"Unknown cell {cell!r}.")
        hs.append(h)
    stacked = {name: np.stack([s[name] for s in steps]) for name in GATES[cell]}
    return ReferenceRun(np.stack(hs), np.stack(cs) if cs else None, stacked)
