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


def test_irnn_is_identity_with_zero_biases_and_default_input_weights() -> None:
    # Le, Jaitly & Hinton (2015): W_hh = I, biases 0; W_ih as the default draws it, from the
    # same draws, so one seed gives the same W_ih (and readout) whichever init is picked
    p = init_params("rnn", 3, 5, np.random.default_rng(4), weight_scale=0.9, init="irnn")
    np.testing.assert_array_equal(p["weight_hh"], 0.9 * np.eye(5))
    np.testing.assert_array_equal(p["bias_ih"], np.zeros(5))
    np.testing.assert_array_equal(p["bias_hh"], np.zeros(5))
    rng_default, rng_irnn = np.random.default_rng(4), np.random.default_rng(4)
    default = init_params("rnn", 3, 5, rng_default)
    np.testing.assert_array_equal(
        init_params("rnn", 3, 5, rng_irnn, init="irnn")["weight_ih"], default["weight_ih"]
    )
    assert rng_irnn.random() == rng_default.random()  # the generators are in step after


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_irnn_is_refused_for_gated_cells(cell: str) -> None:
    with pytest.raises(ValueError, match="plain RNN only"):
        init_params(cell, 2, 4, np.random.default_rng(0), init="irnn")
