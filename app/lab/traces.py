"""The stepper's simulation: a text in, a full trace of a seeded network out.

This is the glue between the JSON API and the pure engine: it encodes characters, draws the
network from a seed, applies a student's overrides ("fork the timeline") and adds the readout
layer. Results are plain NumPy arrays; the route serializes them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from app.engine import Trace, forward, influence, init_params, softmax
from app.engine.params import INIT_NONLINEARITY
from app.lab.kept import TOKEN_PATTERN, KeptNetwork, NetworkMismatch

if TYPE_CHECKING:
    from app.lab.shipped import ShippedNetwork

# The stated vocabulary: each character is one-hot over these (D = V = len(VOCAB)).
VOCAB = " abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"-()"
CHAR_INDEX = {ch: i for i, ch in enumerate(VOCAB)}
MAX_STEPS = 200
MAX_HIDDEN = 64
# A network shipped in a lesson folder: "LESSON/NAME" (app/lab/shipped.py).
SHIPPED_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}$"
INFLUENCE_CAP = 1e300  # norms above this are reported as this (explosion is the point)

Cell = Literal["rnn", "lstm", "gru"]
Init = Literal["pytorch", "orthogonal", "irnn"]
# The range an override may set h to. tanh bounds h to [-1, 1]; ReLU bounds it below by 0
# and not at all above, so the stepper picks a ceiling: 10 is the largest value Override
# allows anywhere, and far above the states a lesson-sized IRNN reaches (measured: at most
# about 3 after 40 characters at 8 units).
H_RANGE: dict[str, tuple[float, float]] = {"tanh": (-1.0, 1.0), "relu": (0.0, 10.0)}


class Override(BaseModel):
    """Overwrite one number at one step, then let the network run on from there."""

    step: Annotated[int, Field(ge=0, lt=MAX_STEPS, description="0-based step to edit.")]
    unit: Annotated[int, Field(ge=0, lt=MAX_HIDDEN, description="Hidden unit to edit.")]
    target: Literal["h", "c", "forget"] = Field(
        default="h",
        description="h: the hidden state after the step; c: the LSTM cell state; "
        "forget: clamp the LSTM forget gate at that step (then c and h are recomputed).",
    )
    value: Annotated[float, Field(ge=-10, le=10, allow_inf_nan=False)]


class TraceRequest(BaseModel):
    cell: Cell = Field(default="rnn", description="rnn (Elman, tanh), lstm or gru.")
    hidden_size: Annotated[int, Field(ge=1, le=MAX_HIDDEN, description="Units in h_t.")] = 8
    input: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_STEPS,
            description=f"The sequence, one step per character, from: {VOCAB!r}",
        ),
    ] = "hello"
    seed: Annotated[int, Field(ge=0, le=2**31 - 1, description="Draws the weights.")] = 0
    weight_scale: Annotated[
        float, Field(ge=0, le=10, allow_inf_nan=False, description="Multiplies W_hh.")
    ] = 1.0
    memory_bias: Annotated[
        float,
        Field(
            ge=-5,
            le=5,
            allow_inf_nan=False,
            description="Added to the LSTM forget-gate / GRU update-gate bias (b_hh rows "
            "H..2H): at 0 (PyTorch's init) those gates start near 0.5, so gated cells "
            "forget about as fast as a plain RNN; near 3 they start out remembering.",
        ),
    ] = 0.0
    init: Init = Field(
        default="pytorch",
        description="W_hh at the start: pytorch (uniform in ±1/sqrt(H), spectral radius about "
        "0.6), orthogonal (spectral radius 1) or irnn (rnn only: identity W_hh, zero biases "
        "and ReLU units, h_t = relu(...), so h >= 0; Le et al., 2015).",
    )
    network: str | None = Field(
        default=None,
        pattern=TOKEN_PATTERN,
        description="The id of a kept trained network (the `network` of a train run's `end` "
        "record): step it instead of a seeded one. cell and hidden_size must be its own; "
        "seed, weight_scale, memory_bias and init are then ignored.",
    )
    shipped: str | None = Field(
        default=None,
        pattern=SHIPPED_PATTERN,
        description="The name of a network shipped with a lesson, such as "
        "'rnn-generation/char-lstm' (instead of `network`): step it. cell and hidden_size "
        "must be its own (GET /api/engine/shipped/LESSON/NAME says them).",
    )
    trained: bool = Field(
        default=True,
        description="With `network`: true steps the trained weights, false the same network "
        "before training.",
    )
    overrides: Annotated[list[Override], Field(max_length=16)] = Field(default_factory=list)
    include_states: bool = Field(
        default=True,
        description="Add h, c, gates and probs (off: a client that already has them asks for "
        "the slow memory meter alone).",
    )
    include_influence: bool = Field(default=True, description="Add the T×T memory meter.")
    include_params: bool = Field(
        default=False,
        description="Add the weights, PyTorch's names and shapes plus the readout (to show an "
        "equation with its numbers): they don't change with the input, so ask once per network.",
    )

    @model_validator(mode="after")
    def _check(self) -> TraceRequest:
        if self.network is not None and self.shipped is not None:
            raise ValueError("give `network` or `shipped`, not both")
        bad = sorted({ch for ch in self.input if ch not in CHAR_INDEX})
        if bad:
            raise ValueError(
                f"input has characters outside the vocabulary: {''.join(bad)!r}; use lowercase "
                f"letters, digits, spaces and {VOCAB[37:]!r}"
            )
        for o in self.overrides:
            if o.step >= len(self.input):
                raise ValueError(
                    f"override step {o.step} is past the input's last step ({len(self.input) - 1})"
                )
            if o.unit >= self.hidden_size:
                raise ValueError(
                    f"override unit {o.unit} does not exist: hidden_size is {self.hidden_size}"
                )
            if o.target in ("c", "forget") and self.cell != "lstm":
                raise ValueError(f"override target {o.target!r} exists only in the LSTM")
            if o.target == "forget" and not 0 <= o.value <= 1:
                raise ValueError("a forget gate value must lie in [0, 1]")
        if self.init == "irnn" and self.cell != "rnn" and self.network is None:
            raise ValueError(
                f"the IRNN start (identity W_hh with ReLU units) is for the plain RNN only, "
                f"not the {self.cell}: gated cells keep tanh and their gates"
            )
        if self.network is None:  # a kept network's own nonlinearity is checked in check_kept
            check_h_overrides(self.overrides, INIT_NONLINEARITY[self.init])
        return self


def check_h_overrides(overrides: list[Override], nonlinearity: str) -> None:
    """Raise ValueError unless every h override lies in the range of h for `nonlinearity`."""
    lo, hi = H_RANGE[nonlinearity]
    for o in overrides:
        if o.target == "h" and not lo <= o.value <= hi:
            if nonlinearity == "relu":
                raise ValueError(
                    f"an h value must lie in [{lo:g}, {hi:g}]: h is a ReLU output, never "
                    f"below 0, and the stepper allows at most {hi:g}"
                )
            raise ValueError(f"an h value must lie in [{lo:g}, {hi:g}]: h is a tanh output")


@dataclass(frozen=True)
class Network:
    params: dict[str, np.ndarray]  # weight_ih (G*H, V), weight_hh (G*H, H), biases (G*H,)
    W_hy: np.ndarray  # (V, H) readout to next-character logits
    b_y: np.ndarray  # (V,)
    nonlinearity: str = "tanh"  # the RNN's f in h_t = f(a_t): "tanh" or "relu"


@lru_cache(maxsize=64)
def network(
    cell: Cell,
    hidden_size: int,
    seed: int,
    weight_scale: float,
    memory_bias: float = 0.0,
    init: Init = "pytorch",
) -> Network:
    """Return the seeded network: PyTorch-style init for the cell, then the readout layer."""
    rng = np.random.default_rng(seed)
    params = init_params(cell, len(VOCAB), hidden_size, rng, weight_scale, init)
    if cell != "rnn":  # LSTM rows i,f,g,o and GRU rows r,z,n: the 2nd block is f / z
        H = hidden_size
        params["bias_hh"][H : 2 * H] += memory_bias
    k = 1.0 / np.sqrt(hidden_size)
    W_hy = rng.uniform(-k, k, size=(len(VOCAB), hidden_size))
    b_y = rng.uniform(-k, k, size=len(VOCAB))
    for a in (*params.values(), W_hy, b_y):
        a.setflags(write=False)
    return Network(dict(params), W_hy, b_y, INIT_NONLINEARITY[init])


def kept_network(kept: KeptNetwork, trained: bool) -> Network:
    """Return a kept network's weights, trained or as they were before training."""
    p = kept.after if trained else kept.before
    cell = {name: p[name] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    return Network(cell, p["weight_hy"], p["bias_y"], kept.nonlinearity)


def check_kept(req: TraceRequest, kept: KeptNetwork) -> None:
    """Raise NetworkMismatch unless the request's cell and hidden size are the kept network's,
    and its h overrides lie in the range of the kept network's h."""
    if (req.cell, req.hidden_size) != (kept.cell, kept.hidden_size):
        raise NetworkMismatch(
            f"This trained network is a {kept.cell} with {kept.hidden_size} hidden units; "
            f"the request asked for a {req.cell} with {req.hidden_size}."
        )
    if kept.after["weight_ih"].shape[1] != len(VOCAB):
        raise NetworkMismatch("This trained network does not read the stepper's characters.")
    try:
        check_h_overrides(req.overrides, kept.nonlinearity)
    except ValueError as e:
        raise NetworkMismatch(f"{str(e)[0].upper()}{str(e)[1:]}.") from None


def check_shipped(req: TraceRequest, shipped: ShippedNetwork) -> None:
    """Raise NetworkMismatch unless the request's cell and hidden size are the shipped one's."""
    if (req.cell, req.hidden_size) != (shipped.cell, shipped.hidden_size):
        raise NetworkMismatch(
            f"The shipped network {shipped.name} is a {shipped.cell} with "
            f"{shipped.hidden_size} hidden units; the request asked for a {req.cell} with "
            f"{req.hidden_size}."
        )


def shipped_network(shipped: ShippedNetwork) -> Network:
    """Return a shipped network's weights as the stepper steps them."""
    p = shipped.params
    cell = {name: p[name] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    return Network(cell, p["weight_hy"], p["bias_y"])


def one_hot(text: str) -> np.ndarray:
    """Return (T, V) one-hot rows for the characters of `text`."""
    xs = np.zeros((len(text), len(VOCAB)))
    xs[np.arange(len(text)), [CHAR_INDEX[ch] for ch in text]] = 1.0
    return xs


def run_trace(
    req: TraceRequest, kept: KeptNetwork | None = None, shipped: ShippedNetwork | None = None
) -> dict[str, Any]:
    """Return every step's state, gates, outputs and the memory meter, as arrays.

    `kept`: the network named by req.network, `shipped`: the one named by req.shipped (the
    route loads them), stepped instead of the seeded one.
    """
    if kept is not None:
        check_kept(req, kept)
        net = kept_network(kept, req.trained)
    elif shipped is not None:
        check_shipped(req, shipped)
        net = shipped_network(shipped)
    else:
        net = network(
            req.cell, req.hidden_size, req.seed, req.weight_scale, req.memory_bias, req.init
        )
    xs = one_hot(req.input)  # (T, V)
    trace = forward(req.cell, net.params, xs, nonlinearity=net.nonlinearity)
    out: dict[str, Any] = {
        "cell": req.cell,
        "nonlinearity": net.nonlinearity,
        "hidden_size": req.hidden_size,
        "input": req.input,
        "seed": req.seed,
        "weight_scale": req.weight_scale,
        "memory_bias": req.memory_bias,
        "init": req.init,
        "network": req.network,
        "shipped": req.shipped,
        "trained": req.trained if kept is not None else None,
        "vocab": list(VOCAB),
        "tokens": [CHAR_INDEX[ch] for ch in req.input],
    }
    if req.include_states:
        out.update(_states(trace, net))
    if req.include_influence:
        # M[t, k] = ||dh_t / dx_k||: how much the input at step k still moves h_t.
        M = influence(trace, wrt="x")  # (T, T), zero above the diagonal
        out["influence"] = np.minimum(M, INFLUENCE_CAP)
    if req.include_params:
        out["params"] = {**net.params, "weight_hy": net.W_hy, "bias_y": net.b_y}
    if req.overrides:
        out["edited"] = _states(_forked(req, net, xs), net)
        out["overrides"] = [o.model_dump() for o in req.overrides]
    return out


def _states(trace: Trace, net: Network) -> dict[str, Any]:
    logits = trace.h @ net.W_hy.T + net.b_y  # (T, V)
    return {
        "h0": trace.h0,
        "h": trace.h,
        "c0": trace.c0,
        "c": trace.c,
        "gates": {k: v for k, v in trace.gates.items() if k != "a"},
        "preact": trace.gates.get("a"),
        "probs": softmax(logits, axis=-1),
    }


def _forked(req: TraceRequest, net: Network, xs: np.ndarray) -> Trace:
    """Return the trace with the overrides applied: run to each edited step, edit, run on."""
    by_step: dict[int, list[Override]] = {}
    for o in req.overrides:
        by_step.setdefault(o.step, []).append(o)
    pieces: list[Trace] = []
    h_prev: np.ndarray | None = None
    c_prev: np.ndarray | None = None
    start = 0
    f = net.nonlinearity
    for k in sorted(by_step):
        if k > start:
            piece = forward(req.cell, net.params, xs[start:k], h_prev, c_prev, nonlinearity=f)
            pieces.append(piece)
            h_prev, c_prev = piece.h[-1], None if piece.c is None else piece.c[-1]
        step = forward(req.cell, net.params, xs[k : k + 1], h_prev, c_prev, nonlinearity=f)
        step = _edit_step(step, by_step[k])
        pieces.append(step)
        h_prev, c_prev = step.h[-1], None if step.c is None else step.c[-1]
        start = k + 1
    if start < len(xs):
        pieces.append(forward(req.cell, net.params, xs[start:], h_prev, c_prev, nonlinearity=f))
    return _concat(pieces)


def _edit_step(step: Trace, edits: list[Override]) -> Trace:
    """Return a one-step trace with its edits applied (forget first, then c, then h)."""
    h, c = step.h.copy(), None if step.c is None else step.c.copy()
    gates = {k: v.copy() for k, v in step.gates.items()}
    for o in sorted(edits, key=lambda o: ("forget", "c", "h").index(o.target)):
        if o.target == "forget":
            assert c is not None and step.c0 is not None
            gates["f"][0, o.unit] = o.value
            # c_t = f ⊙ c_{t-1} + i ⊙ g ;  h_t = o ⊙ tanh(c_t)
            c[0, o.unit] = o.value * step.c0[o.unit] + gates["i"][0, o.unit] * gates["g"][0, o.unit]
            h[0, o.unit] = gates["o"][0, o.unit] * np.tanh(c[0, o.unit])
        elif o.target == "c":
            assert c is not None
            c[0, o.unit] = o.value
            h[0, o.unit] = gates["o"][0, o.unit] * np.tanh(o.value)
        else:
            h[0, o.unit] = o.value
    return Trace(
        step.cell,
        step.params,
        step.xs,
        step.h0,
        step.c0,
        h,
        c,
        gates,
        step.cache,
        nonlinearity=step.nonlinearity,
    )


def _concat(pieces: list[Trace]) -> Trace:
    first = pieces[0]
    xs = np.concatenate([p.xs for p in pieces])
    h = np.concatenate([p.h for p in pieces])
    c = None if first.c is None else np.concatenate([p.c for p in pieces if p.c is not None])
    gates = {k: np.concatenate([p.gates[k] for p in pieces]) for k in first.gates}
    return Trace(
        first.cell,
        first.params,
        xs,
        first.h0,
        first.c0,
        h,
        c,
        gates,
        nonlinearity=first.nonlinearity,
    )
