"""Initial weights: PyTorch's default uniform draw against orthogonal W_hh, by spectral radius.

Measured (200 seeds, mean ± std of the spectral radius of the RNN's W_hh):

| H   | pytorch U(-1/sqrt(H), 1/sqrt(H)) | orthogonal |
|-----|----------------------------------|------------|
| 8   | 0.607 ± 0.092                    | 1          |
| 16  | 0.609 ± 0.061                    | 1          |
| 64  | 0.615 ± 0.029                    | 1          |
| 256 | 0.601 ± 0.014                    | 1          |

The circular law predicts sqrt(H * Var) = sqrt(H / (3H)) = 1/sqrt(3) ≈ 0.577 for large H.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.engine.params import init_params, orthogonal


def radius(W: np.ndarray) -> float:
    return float(np.abs(np.linalg.eigvals(W)).max())


def test_pytorch_default_radius_is_about_one_over_root_three() -> None:
    H = 8  # the lesson's stepper size
    radii = [
        radius(init_params("rnn", 3, H, np.random.default_rng(s))["weight_hh"]) for s in range(100)
    ]
    assert 0.55 < float(np.mean(radii)) < 0.66
    assert max(radii) < 1.0  # a random default never starts at the edge of exploding here
    big = radius(init_params("rnn", 3, 256, np.random.default_rng(0))["weight_hh"])
    assert big == pytest.approx(1 / math.sqrt(3), abs=0.05)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_orthogonal_blocks_have_radius_one(cell: str) -> None:
    H = 8
    p = init_params(cell, 3, H, np.random.default_rng(1), init="orthogonal")
    blocks = p["weight_hh"].reshape(-1, H, H)  # (G, H, H): one block per gate
    for Q in blocks:
        np.testing.assert_allclose(Q.T @ Q, np.eye(H), atol=1e-12)
        assert radius(Q) == pytest.approx(1.0, abs=1e-12)
    default = init_params(cell, 3, H, np.random.default_rng(1))
    for name in ("weight_ih", "bias_ih", "bias_hh"):  # only weight_hh differs
        np.testing.assert_array_equal(p[name], default[name])


def test_orthogonal_scale_and_bad_init() -> None:
    p = init_params("rnn", 2, 4, np.random.default_rng(2), weight_scale=0.5, init="orthogonal")
    assert radius(p["weight_hh"]) == pytest.approx(0.5)
    assert orthogonal(np.random.default_rng(0), 1)[0, 0] in (-1.0, 1.0)
    with pytest.raises(ValueError, match="Unknown init"):
        init_params("rnn", 2, 4, np.random.default_rng(0), init="zeros")
