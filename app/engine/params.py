"""Parameter layout (PyTorch names, shapes and gate order) and PyTorch's default initialisation."""

from __future__ import annotations

import math

import numpy as np

from .numerics import Array, Params

# Gates stacked along the rows of weight_ih / weight_hh, in PyTorch's order.
GATES: dict[str, tuple[str, ...]] = {
    "rnn": ("a",),  # the single tanh pre-activation
    "lstm": ("i", "f", "g", "o"),  # input, forget, candidate, output
    "gru": ("r", "z", "n"),  # reset, update, candidate
}
CELLS: tuple[str, ...] = tuple(GATES)
PARAM_NAMES: tuple[str, ...] = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def check_cell(cell: str) -> int:
    """Return the number of stacked gates G for `cell`, or raise ValueError."""
    if cell not in GATES:
        raise ValueError(f"Unknown cell {cell!r}: choose one of {', '.join(CELLS)}.")
    return len(GATES[cell])


def check_params(cell: str, params: Params) -> tuple[Params, int, int]:
    """Return (params as float64 arrays, D, H) after checking every name and shape."""
    G = check_cell(cell)
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"Missing parameters for the {cell} cell: {', '.join(missing)}.")
    out: Params = {name: np.asarray(params[name], dtype=np.float64) for name in PARAM_NAMES}
    W_ih, W_hh = out["weight_ih"], out["weight_hh"]
    if W_hh.ndim != 2 or W_hh.shape[0] != G * W_hh.shape[1] or W_hh.shape[1] == 0:
        raise ValueError(
            f"weight_hh must have shape ({G}*H, H) for the {cell} cell, got {W_hh.shape}."
        )
    H = W_hh.shape[1]
    if W_ih.ndim != 2 or W_ih.shape[0] != G * H:
        raise ValueError(f"weight_ih must have shape ({G * H}, D), got {W_ih.shape}.")
    D = W_ih.shape[1]
    for name in ("bias_ih", "bias_hh"):
        if out[name].shape != (G * H,):
            raise ValueError(f"{name} must have shape ({G * H},), got {out[name].shape}.")
    for name, value in out.items():
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} contains NaN or infinite values.")
    return out, D, H


INITS: tuple[str, ...] = ("pytorch", "orthogonal", "irnn")
# The nonlinearity each init is meant for: IRNN's identity W_hh only works with ReLU units
# (a tanh unit squashes what the identity would carry); the others start a tanh RNN.
INIT_NONLINEARITY: dict[str, str] = {"pytorch": "tanh", "orthogonal": "tanh", "irnn": "relu"}


def check_init(cell: str, init: str) -> None:
    """Raise ValueError unless `init` is known and fits `cell`."""
    if init not in INITS:
        raise ValueError(f"Unknown init {init!r}: choose one of {', '.join(INITS)}.")
    if init == "irnn" and cell != "rnn":
        raise ValueError(
            f"The IRNN start (identity W_hh with ReLU units) is for the plain RNN only, "
            f"not the {cell} cell: gated cells keep tanh and sigmoid gates."
        )


def orthogonal(rng: np.random.Generator, n: int) -> Array:
    """Return a random (n, n) orthogonal matrix Q (Q^T Q = I), as torch.nn.init.orthogonal_.

    Q from the QR decomposition of a standard-normal matrix, with each column's sign set by
    R's diagonal so Q is uniform over the orthogonal group (Mezzadri, 2007). Every
    eigenvalue of Q lies on the unit circle: spectral radius exactly 1.
    """
    A = rng.standard_normal((n, n))  # (n, n)
    Q, R = np.linalg.qr(A)
    out: Array = Q * np.sign(np.diag(R))  # (n, n) column j times sign(R_jj)
    return out


def init_params(
    cell: str,
    input_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    weight_scale: float = 1.0,
    init: str = "pytorch",
) -> Params:
    """Return fresh parameters drawn like PyTorch: every entry from U(-1/sqrt(H), 1/sqrt(H)).

    `init` "orthogonal" then replaces each gate's (H, H) block of weight_hh by a random
    orthogonal matrix (spectral radius 1: the state neither shrinks nor grows through W_hh);
    the other arrays are drawn the same either way. `init` "irnn" (the RNN only, for ReLU
    units; Le, Jaitly & Hinton, 2015) sets weight_hh to the identity and both biases to 0,
    so each step starts by copying h_prev and adding W_ih x; weight_ih is the default draw.
    `weight_scale` multiplies weight_hh only: below 1 the memory fades faster, above 1
    gradients tend to explode. Draw order is fixed, and every init makes the same draws
    as the default first, so a seeded `rng` gives the same weight_ih (and whatever is drawn
    after) whichever init is chosen.
    """
    G = check_cell(cell)
    check_init(cell, init)
    D, H = input_size, hidden_size
    if D < 1 or H < 1:
        raise ValueError("input_size and hidden_size must be at least 1.")
    k = 1.0 / math.sqrt(H)
    W_ih = rng.uniform(-k, k, size=(G * H, D))  # (G*H, D)
    W_hh = rng.uniform(-k, k, size=(G * H, H))  # (G*H, H)
    b_ih = rng.uniform(-k, k, size=G * H)  # (G*H,)
    b_hh = rng.uniform(-k, k, size=G * H)  # (G*H,)
    if init == "orthogonal":  # drawn after the others, so they match the default init's
        W_hh = np.concatenate([orthogonal(rng, H) for _ in range(G)])  # (G*H, H)
    elif init == "irnn":  # G = 1; the uniform draws above were made only to keep seeds aligned
        W_hh = np.eye(H)  # (H, H)
        b_ih = np.zeros(H)  # (H,)
        b_hh = np.zeros(H)  # (H,)
    W_hh *= weight_scale
    return {"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh}
