"""Optimisers that update a dict of parameter arrays in place, and global-norm clipping."""

from __future__ import annotations

import math

import numpy as np

from .numerics import Array, Params


def global_norm(grads: Params) -> float:
    """Return sqrt of the sum of squares of every gradient entry."""
    return math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))


def clip_by_global_norm(grads: Params, max_norm: float) -> float:
    """Scale all gradients in place so their global norm is at most max_norm; return the norm.

    The returned norm is the one before clipping. max_norm <= 0 disables clipping.
    """
    norm = global_norm(grads)
    if max_norm > 0 and norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


class SGD:
    """Plain stochastic gradient descent: p -= lr * g."""

    def __init__(self, params: Params, lr: float) -> None:
        self.params = params
        self.lr = lr

    def step(self, grads: Params) -> None:
        for name, p in self.params.items():
            p -= self.lr * grads[name]


class Adam:
    """Adam (Kingma and Ba, 2015) with bias correction, as in torch.optim.Adam."""

    def __init__(
        self,
        params: Params,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = params
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0
        self.m: dict[str, Array] = {k: np.zeros_like(v) for k, v in params.items()}
        self.v: dict[str, Array] = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, grads: Params) -> None:
        self.t += 1
        bias1 = 1.0 - self.beta1**self.t
        bias2 = 1.0 - self.beta2**self.t
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            p -= self.lr * (m / bias1) / (np.sqrt(v / bias2) + self.eps)
