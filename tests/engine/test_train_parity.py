"""One training step equals PyTorch's: loss, every gradient, and the weights after
clipping and Adam, in float64 (1e-9) and float32; one-hot ids equal one-hot vectors.
"rnnrelu" is the RNN with ReLU units from the IRNN init (nn.RNN(nonlinearity="relu"))."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import backward, forward, init_params
from app.engine.optim import Adam, clip_by_global_norm
from app.engine.train import Model, loss_and_grads

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hy", "bias_y")
CELLS = ("rnn", "lstm", "gru", "rnnrelu")
KINDS = {"rnnrelu": ("rnn", "relu")}  # fixture name -> (cell, nonlinearity); others tanh
# float32 carries about 7 digits; a step of these sizes stays well inside 1e-5
F32_ATOL = 1e-5


def fixture(cell: str, dtype: str) -> tuple[Model, dict[str, np.ndarray]]:
    ref = dict(np.load(FIXTURES / f"train_{cell}_{dtype}.npz"))
    engine_cell, nonlinearity = KINDS.get(cell, (cell, "tanh"))
    params = {name: ref[name].astype(dtype) for name in NAMES}
    return Model(engine_cell, params, nonlinearity), ref


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize(("dtype", "atol"), [("float64", 1e-9), ("float32", F32_ATOL)])
def test_training_step_matches_pytorch(cell: str, dtype: str, atol: float) -> None:
    model, ref = fixture(cell, dtype)
    loss, grads = loss_and_grads(model, ref["ids"], ref["targets"])
    assert loss == pytest.approx(float(ref["loss"]), abs=atol)
    assert set(grads) == set(NAMES)
    for name in NAMES:
        assert grads[name].dtype == np.dtype(dtype)
        np.testing.assert_allclose(grads[name], ref[f"grad_{name}"], rtol=0, atol=atol)
    clip_by_global_norm(grads, 1.0)
    Adam(model.params, 0.01).step(grads)
    for name in NAMES:
        np.testing.assert_allclose(model.params[name], ref[f"after_{name}"], rtol=0, atol=atol)


@pytest.mark.parametrize("cell", CELLS)
def test_float32_step_is_close_to_float64(cell: str) -> None:
    model64, ref = fixture(cell, "float64")
    params32 = {k: v.astype(np.float32) for k, v in model64.params.items()}
    model32 = Model(model64.cell, params32, model64.nonlinearity)
    loss64, grads64 = loss_and_grads(model64, ref["ids"], ref["targets"])
    loss32, grads32 = loss_and_grads(model32, ref["ids"], ref["targets"])
    assert loss32 == pytest.approx(loss64, abs=F32_ATOL)
    for name in NAMES:
        np.testing.assert_allclose(grads32[name], grads64[name], rtol=0, atol=F32_ATOL)


# At the Train view's sizes the float32 error grows with the sums over T x B, so it is stated
# relative to each gradient's largest float64 entry. Measured worst over the 3 cells x 3 seeds
# below: 1.2e-6 (gradients), 7.5e-8 (loss); the bound leaves a factor of 8.
F32_SIZE_RTOL = 1e-5


@pytest.mark.parametrize("cell", ("rnn", "lstm", "gru"))
@pytest.mark.parametrize("seed", range(3))
def test_float32_at_training_size_is_close_to_float64(cell: str, seed: int) -> None:
    """A next-character step at the benchmark's size (V=40 one-hot ids, H=64, B=32, T=32),
    weights drawn as for training: float32 loss and gradients against float64's."""
    rng = np.random.default_rng(seed)
    V, H, B, T = 40, 64, 32, 32
    params = init_params(cell, V, H, rng)
    params["weight_hy"] = rng.uniform(-0.125, 0.125, size=(V, H))  # nn.Linear's 1/sqrt(H)
    params["bias_y"] = rng.uniform(-0.125, 0.125, size=V)
    ids, targets = rng.integers(0, V, size=(T, B)), rng.integers(0, V, size=(T, B))
    model64 = Model(cell, params)
    model32 = Model(cell, {k: v.astype(np.float32) for k, v in params.items()})
    loss64, grads64 = loss_and_grads(model64, ids, targets)
    loss32, grads32 = loss_and_grads(model32, ids, targets)
    assert loss32 == pytest.approx(loss64, rel=F32_SIZE_RTOL)
    for name in NAMES:
        assert grads32[name].dtype == np.float32
        scale = np.abs(grads64[name]).max()
        error = np.abs(grads32[name] - grads64[name]).max()
        assert error <= F32_SIZE_RTOL * scale, (name, error / scale)


@settings(max_examples=30, deadline=None)
@given(
    cell=st.sampled_from(("rnn", "lstm", "gru")),
    V=st.integers(1, 6),
    H=st.integers(1, 6),
    T=st.integers(1, 8),
    B=st.sampled_from([None, 1, 4]),
    seed=st.integers(0, 2**32 - 1),
)
def test_ids_equal_one_hot_vectors(
    cell: str, V: int, H: int, T: int, B: int | None, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    params = init_params(cell, V, H, rng)
    ids = rng.integers(0, V, size=(T,) if B is None else (T, B))
    by_ids = forward(cell, params, ids)
    by_vectors = forward(cell, params, np.eye(V)[ids])
    np.testing.assert_allclose(by_ids.h, by_vectors.h, rtol=0, atol=1e-12)
    dh = rng.normal(size=by_ids.h.shape)
    g_ids, g_vectors = backward(by_ids, dh), backward(by_vectors, dh)
    assert "xs" not in g_ids
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "h0"):
        np.testing.assert_allclose(g_ids[name], g_vectors[name], rtol=0, atol=1e-12)


def test_bad_ids_and_dtypes_are_refused() -> None:
    params = init_params("gru", 3, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="ids"):
        forward("gru", params, np.array([0, 3]))
    with pytest.raises(ValueError, match="ids"):
        forward("gru", params, np.array([[-1]]))
    with pytest.raises(ValueError, match="dtype"):
        forward("gru", params, np.array([0]), dtype="float16")
