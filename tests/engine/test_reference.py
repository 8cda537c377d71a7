"""The engine reproduces PyTorch's float64 forward states and every gradient (fixtures)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.engine import backward, forward

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.npz"))
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def test_fixtures_cover_every_cell_with_and_without_state() -> None:
    names = {p.name.split("_")[0] + p.stem.rsplit("_", 1)[1] for p in FIXTURES}
    assert names == {f"{c}{s}" for c in ("rnn", "lstm", "gru") for s in ("state", "zero")}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_matches_pytorch(path: Path) -> None:
    ref = np.load(path)
    cell = path.name.split("_")[0]
    params = {name: ref[name] for name in PARAM_NAMES}
    h0 = ref["h0"] if "h0" in ref else None
    c0 = ref["c0"] if "c0" in ref else None
    trace = forward(cell, params, ref["xs"], h0, c0)
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
