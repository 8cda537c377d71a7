"""The engine reproduces PyTorch's float64 forward states and every gradient (fixtures),
and the fast path equals the textbook one-gate-at-a-time forward in app/engine/reference.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import GATES, backward, forward, init_params, reference

FIXTURES = sorted(
    p for p in (Path(__file__).parent / "fixtures").glob("*.npz") if not p.name.startswith("train_")
)
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
# fixture prefix -> (cell, nonlinearity); rnnrelu is nn.RNN(nonlinearity="relu")
KINDS = {
    "rnn": ("rnn", "tanh"),
    "lstm": ("lstm", "tanh"),
    "gru": ("gru", "tanh"),
    "rnnrelu": ("rnn", "relu"),
}


def kind(path: Path) -> tuple[str, str]:
    return KINDS[path.name.split("_")[0]]


def test_fixtures_cover_every_cell_with_and_without_state() -> None:
    names = {p.name.split("_")[0] + p.stem.rsplit("_", 1)[1] for p in FIXTURES}
    assert names == {f"{c}{s}" for c in KINDS for s in ("state", "zero")}


def test_relu_fixtures_cross_the_kink() -> None:
    # the ReLU fixtures only test relu if some units are cut to 0 and others pass
    h = np.concatenate([np.load(p)["h"].ravel() for p in FIXTURES if kind(p)[1] == "relu"])
    assert np.mean(h == 0) > 0.2 and np.mean(h > 0) > 0.2


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_matches_pytorch(path: Path) -> None:
    ref = np.load(path)
    cell, nonlinearity = kind(path)
    params = {name: ref[name] for name in PARAM_NAMES}
    h0 = ref["h0"] if "h0" in ref else None
    c0 = ref["c0"] if "c0" in ref else None
    trace = forward(cell, params, ref["xs"], h0, c0, nonlinearity=nonlinearity)
    assert trace.nonlinearity == nonlinearity
    np.testing.assert_allclose(trace.h, ref["h"], rtol=0, atol=1e-9)
    if cell == "lstm":
        assert trace.c is not None
        np.testing.assert_allclose(trace.c, ref["c"], rtol=0, atol=1e-9)
    grads = backward(trace, ref["dh"])
    for name in (*PARAM_NAMES, "xs"):
        np.testing.assert_allclose(grads[name], ref[f"grad_{name}"], rtol=0, atol=1e-9)
    for name in ("h0", "c0"):
        if f"grad_{name}" in ref:
            np.testing.assert_allclose(grads[name], ref[f"grad_{name}"], rtol=0, atol=1e-9)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_reference_matches_pytorch(path: Path) -> None:
    ref = np.load(path)
    cell, nonlinearity = kind(path)
    params = {name: ref[name] for name in PARAM_NAMES}
    h0 = ref["h0"] if "h0" in ref else None
    c0 = ref["c0"] if "c0" in ref else None
    run = reference.forward(cell, params, ref["xs"], h0, c0, nonlinearity)
    np.testing.assert_allclose(run.h, ref["h"], rtol=0, atol=1e-9)
    if cell == "lstm":
        assert run.c is not None
        np.testing.assert_allclose(run.c, ref["c"], rtol=0, atol=1e-9)
    else:
        assert run.c is None


@settings(max_examples=40, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru", "rnnrelu"]),
    D=st.integers(1, 6),
    H=st.integers(1, 8),
    T=st.integers(1, 12),
    B=st.sampled_from([None, 1, 3]),
    with_state=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_fast_path_equals_reference(
    cell: str, D: int, H: int, T: int, B: int | None, with_state: bool, seed: int
) -> None:
    cell, nonlinearity = KINDS[cell]
    rng = np.random.default_rng(seed)
    params = init_params(cell, D, H, rng, weight_scale=float(rng.uniform(0.5, 3.0)))
    batch = () if B is None else (B,)
    xs = rng.normal(scale=2.0, size=(T, *batch, D))
    h0 = rng.normal(size=(*batch, H)) if with_state else None
    c0 = rng.normal(size=(*batch, H)) if with_state and cell == "lstm" else None
    trace = forward(cell, params, xs, h0, c0, nonlinearity=nonlinearity)
    # The reference runs one sequence; a batch is checked sequence by sequence.
    for b in range(1 if B is None else B):
        pick = (slice(None),) if B is None else (slice(None), b)
        run = reference.forward(
            cell,
            params,
            xs[pick],
            None if h0 is None else h0[pick[1:]],
            None if c0 is None else c0[pick[1:]],
            nonlinearity,
        )
        np.testing.assert_allclose(trace.h[pick], run.h, rtol=0, atol=1e-12)
        if cell == "lstm":
            assert trace.c is not None and run.c is not None
            np.testing.assert_allclose(trace.c[pick], run.c, rtol=0, atol=1e-12)
        for name in GATES[cell]:
            np.testing.assert_allclose(trace.gates[name][pick], run.gates[name], rtol=0, atol=1e-12)


def test_reference_gates_are_pytorch_order() -> None:
    # Each gate reads its own row block: set only the LSTM forget rows (block 1) and
    # only f moves away from sigmoid(0) = 1/2.
    H, D = 2, 1
    params = {
        "weight_ih": np.zeros((4 * H, D)),
        "weight_hh": np.zeros((4 * H, H)),
        "bias_ih": np.zeros(4 * H),
        "bias_hh": np.zeros(4 * H),
    }
    params["bias_ih"][H : 2 * H] = 5.0
    run = reference.forward("lstm", params, np.zeros((1, D)))
    assert np.all(run.gates["f"] > 0.99)
    np.testing.assert_array_equal(run.gates["i"], 0.5)
    np.testing.assert_array_equal(run.gates["o"], 0.5)
    np.testing.assert_array_equal(run.gates["g"], 0.0)
