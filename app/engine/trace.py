"""The record of a forward pass: every intermediate that backward and the UI need."""

from __future__ import annotations

from dataclasses import dataclass, field

from .numerics import Array, Inputs, Params


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything a forward pass computed, step by step.

    Shapes are for one sequence; a batched forward (xs of shape (T, B, D)) puts a
    batch axis B after T in every per-step array and in h0/c0 ((B, H)).

    - cell: "rnn", "lstm" or "gru"; params: the four arrays used, float64 (or float32
      when forward ran with dtype="float32", as training does; every array then is).
    - xs (T, D): inputs, or (T,) int64 ids of one-hot inputs.
    - h0 (H,): starting hidden state; c0 (H,): starting cell state (LSTM).
    - h (T, H): hidden state after each step; c (T, H): LSTM cell state (None otherwise).
    - gates: name -> (T, H) after the nonlinearity. lstm i, f, g, o; gru r, z, n;
      rnn "a", the pre-activation W_ih x + b_ih + W_hh h_prev + b_hh (h = tanh(a), or
      relu(a) = max(a, 0) when nonlinearity is "relu").
    - cache: other intermediates backward needs. lstm "tanh_c" = tanh(c);
      gru "hn" = W_hn h_prev + b_hn (the part the reset gate scales); rnn none.
    - nonlinearity: the RNN's "tanh" or "relu"; always "tanh" for the gated cells.
    """

    cell: str
    params: Params
    xs: Inputs
    h0: Array
    c0: Array | None
    h: Array
    c: Array | None
    gates: dict[str, Array]
    cache: dict[str, Array] = field(default_factory=dict)
    nonlinearity: str = "tanh"

    @property
    def batched(self) -> bool:
        """Return True when the trace holds a batch of sequences (xs of shape (T, B, D))."""
        return self.h.ndim == 3
