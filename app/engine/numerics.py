"""Array types and overflow-free nonlinearities shared by the cells and the trainer."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.floating[Any]]  # float64, or float32 in fast training
IntArray = npt.NDArray[np.int64]
Inputs = npt.NDArray[Any]  # float inputs (T, ..., D), or int ids (T, ...) of one-hot inputs
Params = dict[str, Array]


def sigmoid(x: Array) -> Array:
    """Return 1 / (1 + exp(-x)), computed as (1 + tanh(x / 2)) / 2.

    tanh saturates instead of overflowing, so no input (even +-1e308) warns or
    returns anything outside [0, 1]. Halving is exact in binary floating point,
    which is why the cells can fold the 1/2 into their weights.
    """
    out: Array = 0.5 + 0.5 * np.tanh(0.5 * x)
    return out


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


def sum_rows_by_id(ids: IntArray, rows: Array, n_ids: int) -> Array:
    """Return S (n_ids, K) with S[v] = sum of rows[j] (K,) over every j where ids[j] = v.

    This is onehot(ids).T @ rows: the gradient of a weight matrix whose inputs were
    one-hot. It is computed as exactly that product, zeros and all: one BLAS call beats
    grouping the rows (argsort, gather, np.add.reduceat along axis 0, whose inner loop
    strides down columns) by 1x to 4x at training sizes, more the larger the batch.
    """
    N = len(ids)
    onehot_T = np.zeros((n_ids, N), dtype=rows.dtype)  # (n_ids, N)
    onehot_T[ids, np.arange(N)] = 1.0
    out: Array = onehot_T @ rows  # (n_ids, K)
    return out
