"""Engine-question variants: each student's own small tanh RNN, drawn from a seed hashed
from (question, student), and the h_1 it leads to, computed by the engine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app import engine
from app.content.schema import EngineQuestion

Array = npt.NDArray[np.float64]
GUEST_KEY = "guest"


def variant_key(user_id: int | None) -> str:
    """Return the key that picks a student's own engine-question numbers."""
    return GUEST_KEY if user_id is None else f"user:{user_id}"


@dataclass(frozen=True, eq=False)
class EngineVariant:
    """One student's numbers for an `rnn_h1` question, and the h_1 they lead to."""

    W_ih: Array  # (H, D)
    b_ih: Array  # (H,)
    W_hh: Array  # (H, H)
    b_hh: Array  # (H,)
    h0: Array  # (H,)
    x1: Array  # (D,)

    def preactivation(self, *, with_h0: bool = True, with_bias: bool = True) -> Array:
        """a_1 = W_ih x_1 + b_ih + W_hh h_0 + b_hh, optionally without h_0 or the biases
        (the slips the grader recognizes), shape (H,)."""
        a: Array = self.W_ih @ self.x1  # (H,)
        if with_h0:
            a = a + self.W_hh @ self.h0
        if with_bias:
            a = a + self.b_ih + self.b_hh
        return a

    @property
    def h1(self) -> Array:
        """h_1 = tanh(W_ih x_1 + b_ih + W_hh h_0 + b_hh), shape (H,), run by the engine."""
        params = {
            "weight_ih": self.W_ih,
            "weight_hh": self.W_hh,
            "bias_ih": self.b_ih,
            "bias_hh": self.b_hh,
        }
        h1: Array = engine.forward("rnn", params, self.x1[None, :], self.h0).h[0]
        return h1

    def given(self) -> list[tuple[str, list[list[float]]]]:
        """Return the numbers a student is shown, each as rows (vectors as one column)."""

        def rows(a: Array) -> list[list[float]]:
            return [[float(v) for v in r] for r in (a if a.ndim == 2 else a[:, None])]

        named = [("W_ih", self.W_ih), ("b_ih", self.b_ih), ("W_hh", self.W_hh)]
        named += [("b_hh", self.b_hh), ("h_0", self.h0), ("x_1", self.x1)]
        return [(name, rows(a)) for name, a in named]


def engine_variant(question: EngineQuestion, variant_key: str) -> EngineVariant:
    """Return the student's own numbers: drawn from a seed hashed from (question, student),
    so each student keeps the same variant on every visit and from every server."""
    digest = hashlib.sha256(f"parade-engine:{question.id}:{variant_key}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    H, D = question.hidden_size, question.input_size

    def tenths(*shape: int) -> Array:
        # One decimal place, so that the sums can be done by hand.
        return rng.integers(-9, 10, size=shape).astype(np.float64) / 10

    W_ih, b_ih, W_hh, b_hh, h0 = tenths(H, D), tenths(H), tenths(H, H), tenths(H), tenths(H)
    x1 = rng.integers(-2, 3, size=D).astype(np.float64)  # (D,)
    if not x1.any():
        x1[0] = 1.0  # an all-zero input would leave W_ih out of the sum
    return EngineVariant(W_ih=W_ih, b_ih=b_ih, W_hh=W_hh, b_hh=b_hh, h0=h0, x1=x1)


@dataclass(frozen=True)
class Answerer:
    """Who is answering: a student, or a guest (whose tries are counted under their own row
    but who sees the numbers every guest shares and keeps no score)."""

    user_id: int
    guest: bool = False

    @property
    def variant(self) -> str:
        return GUEST_KEY if self.guest else variant_key(self.user_id)
