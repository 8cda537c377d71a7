"""The two training tasks: batches of inputs and integer targets, drawn from a Generator.

A task gives `batch(rng, batch_size) -> (xs, targets)` with xs (T, B, D) float64 and
targets (T, B) int64, where -1 marks steps with nothing to predict. `inputs` draws the
same batch but may give one-hot inputs as their ids (T, B), which the engine gathers
instead of multiplying by mostly zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .numerics import Array, IntArray

NO_TARGET = -1


class Task(Protocol):
    """What the trainer needs from a task."""

    @property
    def name(self) -> str: ...

    @property
    def input_size(self) -> int: ...

    @property
    def n_classes(self) -> int: ...

    def batch(self, rng: np.random.Generator, batch_size: int) -> tuple[Array, IntArray]: ...

    def inputs(
        self, rng: np.random.Generator, batch_size: int
    ) -> tuple[Array | IntArray, IntArray]: ...


@dataclass(frozen=True)
class RememberFirst:
    """The parade: `length` marchers each carry one of `n_values` floats in [-1, 1].

    Input per step is (value, 1 if first else 0); only the last step has a target: the
    class of the first marcher's value. Guessing gives 1 / n_values, so the task
    measures memory over exactly `length - 1` steps.
    """

    length: int = 20  # L, steps per sequence
    n_values: int = 4  # K, distinct values (classes)

    def __post_init__(self) -> None:
        if not 1 <= self.length <= 1000:
            raise ValueError("The parade length must be between 1 and 1000.")
        if not 2 <= self.n_values <= 32:
            raise ValueError("The number of values must be between 2 and 32.")

    @property
    def name(self) -> str:
        return "remember_first"

    @property
    def input_size(self) -> int:
        return 2

    @property
    def n_classes(self) -> int:
        return self.n_values

    def levels(self) -> Array:
        """Return the K values a marcher can carry, evenly spaced in [-1, 1]."""
        return np.linspace(-1.0, 1.0, self.n_values)

    def batch(self, rng: np.random.Generator, batch_size: int) -> tuple[Array, IntArray]:
        """Return xs (L, B, 2) and targets (L, B): the first value's class at the last step."""
        L, B = self.length, batch_size
        classes = rng.integers(0, self.n_values, size=(L, B))  # (L, B)
        xs = np.zeros((L, B, 2))
        xs[:, :, 0] = self.levels()[classes]
        xs[0, :, 1] = 1.0  # marks the marcher to remember
        targets = np.full((L, B), NO_TARGET, dtype=np.int64)
        targets[-1] = classes[0]
        return xs, targets

    def inputs(self, rng: np.random.Generator, batch_size: int) -> tuple[Array, IntArray]:
        """Return the same as batch: these inputs are not one-hot."""
        return self.batch(rng, batch_size)


@dataclass(frozen=True)
class NextChar:
    """Predict each next character of `text` from the characters before it (one-hot inputs)."""

    text: str
    seq_len: int = 32  # T, characters per training window
    alphabet: str | None = None  # the vocabulary, in order; None: the text's own characters
    vocab: tuple[str, ...] = field(init=False)
    ids: IntArray = field(init=False, repr=False, compare=False)  # the text, encoded once

    def __post_init__(self) -> None:
        if not 1 <= self.seq_len <= 1000:
            raise ValueError("The sequence length must be between 1 and 1000.")
        if len(self.text) < self.seq_len + 1:
            raise ValueError(f"The text needs at least {self.seq_len + 1} characters to train on.")
        vocab = tuple(self.alphabet) if self.alphabet else tuple(sorted(set(self.text)))
        if len(set(vocab)) != len(vocab):
            raise ValueError("The alphabet must not repeat a character.")
        outside = sorted(set(self.text) - set(vocab))
        if outside:
            raise ValueError(f"The text has characters outside the alphabet: {''.join(outside)!r}")
        object.__setattr__(self, "vocab", vocab)
        object.__setattr__(self, "ids", self.encode(self.text))

    @property
    def name(self) -> str:
        return "next_char"

    @property
    def input_size(self) -> int:
        return len(self.vocab)

    @property
    def n_classes(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> IntArray:
        """Return the vocabulary index of each character (all must be in the vocabulary)."""
        index = {ch: i for i, ch in enumerate(self.vocab)}
        return np.array([index[ch] for ch in text], dtype=np.int64)

    def decode(self, ids: IntArray | list[int]) -> str:
        """Return the characters for vocabulary indices."""
        return "".join(self.vocab[int(i)] for i in ids)

    def one_hot(self, ids: IntArray) -> Array:
        """Return one-hot rows of shape ids.shape + (V,)."""
        out: Array = np.eye(len(self.vocab))[ids]
        return out

    def batch(self, rng: np.random.Generator, batch_size: int) -> tuple[Array, IntArray]:
        """Return xs (T, B, V) one-hot windows of the text and targets (T, B), the next chars."""
        ids, targets = self.inputs(rng, batch_size)
        return self.one_hot(ids), targets

    def inputs(self, rng: np.random.Generator, batch_size: int) -> tuple[IntArray, IntArray]:
        """Return the ids (T, B) of batch's one-hot inputs, and the same targets (T, B)."""
        T = self.seq_len
        starts = rng.integers(0, len(self.ids) - T, size=batch_size)  # (B,)
        window = self.ids[starts[None, :] + np.arange(T + 1)[:, None]]  # (T+1, B)
        return window[:-1], window[1:]
