"""Array types and overflow-free nonlinearities shared by the cells and the trainer."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Params = dict[str, Array]


def sigmoid(x: Array) -> Array:
    """Return 1 / (1 + exp(-x)), computed as (1 + tanh(x / 2)) / 2.

    tanh saturates instead of overflowing, so no input (even +-1e308) warns or
    returns anything outside [0, 1]. Halving is exact in binary floating point,
    which is why the cells can fold the 1/2 into their weights.
    """
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def log_softmax(logits: Array, axis: int = -1) -> Array:
    """Return log(softmax(logits)) along `axis`, shifted by the max so exp never overflows."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    out: Array = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return out


def softmax(logits: Array, axis: int = -1) -> Array:
    """Return exp(logits) normalised along `axis`; every entry is finite and in [0, 1]."""
    e = np.exp(logits - logits.max(axis=axis, keepdims=True))
    out: Array = e / e.sum(axis=axis, keepdims=True)
    return out
