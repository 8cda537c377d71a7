"""Train a cell plus a softmax readout on a task, one bounded, seeded step at a time.

    logits_t = W_hy h_t + b_y        (V,) scores for each class
    L        = mean over targeted steps of -log softmax(logits_t)[target_t]

`train_steps` is a generator so a web endpoint can stream progress and stop early
by simply not asking for more.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .cells import DTYPES, backward, forward, run
from .numerics import Array, IntArray, Params, softmax
from .optim import SGD, Adam, clip_by_global_norm
from .params import CELLS, INIT_NONLINEARITY, check_init, check_params, init_params
from .rnn import check_nonlinearity
from .tasks import NO_TARGET, NextChar, Task

MAX_STEPS = 20_000  # hard ceiling whatever the config says: a request must end
MAX_HIDDEN = 256
MAX_BATCH = 512
READOUT = ("weight_hy", "bias_y")


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters. Defaults train an LSTM on RememberFirst(20) in about a second."""

    cell: str = "lstm"  # "rnn", "lstm" or "gru"
    hidden_size: int = 32  # H
    optimizer: str = "adam"  # "adam" or "sgd"
    learning_rate: float = 0.01  # Adam's step size; SGD wants roughly 0.1 to 1
    batch_size: int = 32  # sequences per step
    max_steps: int = 400  # training stops here (never beyond MAX_STEPS)
    clip_norm: float = 1.0  # rescale gradients whose global norm exceeds this; 0 = off
    log_every: int = 20  # yield a Progress record every this many steps (and the last)
    eval_size: int = 256  # held-out sequences for the accuracy in each record
    sample_length: int = 60  # characters sampled per record (next-character task)
    weight_scale: float = 1.0  # multiplies the initial weight_hh
    init: str = "pytorch"  # "pytorch" (uniform), "orthogonal" or "irnn" (rnn), see init_params
    nonlinearity: str | None = None  # the RNN's "tanh" or "relu"; None: what `init` is for
    memory_bias: float = 3.0  # added to the LSTM forget / GRU update gate bias at init
    seed: int = 0  # every random draw (init, batches, samples) follows from this
    dtype: str = "float32"  # "float64" for exact parity; float32 trains 2-3x faster

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"Unknown cell {self.cell!r}: choose one of {', '.join(CELLS)}.")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError("The optimizer must be 'adam' or 'sgd'.")
        if not 1 <= self.hidden_size <= MAX_HIDDEN:
            raise ValueError(f"The hidden size must be between 1 and {MAX_HIDDEN}.")
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"The batch size must be between 1 and {MAX_BATCH}.")
        if not 1 <= self.max_steps <= MAX_STEPS:
            raise ValueError(f"The number of steps must be between 1 and {MAX_STEPS}.")
        if not 1 <= self.eval_size <= 4096 or self.log_every < 1 or self.sample_length < 0:
            raise ValueError("eval_size, log_every and sample_length are out of range.")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError("The learning rate must be a positive number.")
        if not (math.isfinite(self.clip_norm) and self.clip_norm >= 0):
            raise ValueError("clip_norm must be 0 (off) or a positive number.")
        if not (math.isfinite(self.weight_scale) and self.weight_scale >= 0):
            raise ValueError("weight_scale must be 0 or a positive number.")
        if not (math.isfinite(self.memory_bias) and abs(self.memory_bias) <= 10):
            raise ValueError("memory_bias must be a number between -10 and 10.")
        check_init(self.cell, self.init)
        if self.nonlinearity is None:  # frozen: set once, here, from the init's own choice
            object.__setattr__(self, "nonlinearity", INIT_NONLINEARITY[self.init])
        check_nonlinearity(self.cell, self.activation)
        if self.init == "irnn" and self.activation != "relu":
            raise ValueError("The IRNN start (identity W_hh) needs ReLU units, not tanh.")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}.")

    @property
    def activation(self) -> str:
        """Return the RNN's nonlinearity, resolved: "tanh" or "relu"."""
        return self.nonlinearity or INIT_NONLINEARITY[self.init]


@dataclass
class Model:
    """A cell and its readout. params: the cell's four arrays plus
    weight_hy (V, H) and bias_y (V,); nonlinearity: the RNN's "tanh" or "relu"."""

    cell: str
    params: Params
    nonlinearity: str = "tanh"

    def __post_init__(self) -> None:
        check_nonlinearity(self.cell, self.nonlinearity)

    def cell_params(self) -> Params:
        """Return the four recurrent-cell arrays (no copy)."""
        return {k: v for k, v in self.params.items() if k not in READOUT}


@dataclass(frozen=True)
class Progress:
    """One streamed training record; plain numbers and strings, ready for JSON."""

    step: int  # optimiser steps taken so far
    loss: float  # training loss of this step's batch
    grad_norm: float  # global gradient norm before clipping
    accuracy: float | None  # fraction of held-out targets predicted right
    sample: str | None  # generated text (next-character task only)
    done: bool  # True on the last record


def init_model(config: TrainConfig, task: Task, rng: np.random.Generator) -> Model:
    """Return a fresh Model sized for `task`; the readout is drawn like nn.Linear.

    config.memory_bias is added to the bias of the gate that keeps the old state (the
    LSTM forget gate, the GRU update gate), so gated cells start out remembering and a
    learning signal reaches early steps (Jozefowicz et al., 2015). The plain RNN has no
    such gate: that difference is what the lesson is about.
    """
    H = config.hidden_size
    params = init_params(config.cell, task.input_size, H, rng, config.weight_scale, config.init)
    keep_gate = {"lstm": 1, "gru": 1}.get(config.cell)  # f is row block 1, z is row block 1
    if keep_gate is not None:
        params["bias_ih"][keep_gate * H : (keep_gate + 1) * H] += config.memory_bias
    k = 1.0 / math.sqrt(H)
    params["weight_hy"] = rng.uniform(-k, k, size=(task.n_classes, H))  # (V, H)
    params["bias_y"] = rng.uniform(-k, k, size=task.n_classes)  # (V,)
    return Model(config.cell, params, config.activation)


def loss_and_grads(model: Model, xs: Array | IntArray, targets: IntArray) -> tuple[float, Params]:
    """Return the mean cross-entropy over targeted steps and its gradient for every parameter.

    xs is (T, B, D) floats or (T, B) ids of one-hot inputs; the arithmetic runs in the
    dtype of the model's arrays (float64 or float32).
    """
    W_hy, b_y = model.params["weight_hy"], model.params["bias_y"]  # (V, H), (V,)
    dtype = str(W_hy.dtype)
    trace = forward(
        model.cell, model.cell_params(), xs, dtype=dtype, nonlinearity=model.nonlinearity
    )
    hs = trace.h  # (T, B, H)
    H = hs.shape[-1]
    mask = targets != NO_TARGET  # (T, B)
    every = bool(mask.all())  # next-character: every step predicts, no copies needed
    h_sel = hs.reshape(-1, H) if every else hs[mask]  # (N, H) states that predict something
    y = targets.reshape(-1) if every else targets[mask]  # (N,)
    N = len(y)
    logits = h_sel @ W_hy.T + b_y  # (N, V)
    # log_softmax and softmax from one exp: shifted by the max so exp never overflows
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    total = p.sum(axis=1, keepdims=True)  # (N, 1)
    rows = np.arange(N)
    loss = float(np.log(total[:, 0]).mean() - logits[rows, y].mean())
    dlogits = p  # dL/dlogits = (softmax - onehot) / N, built in place
    dlogits *= 1.0 / (total * N)
    dlogits[rows, y] -= 1.0 / N
    dh_sel = dlogits @ W_hy  # (N, H)
    if every:
        dh = dh_sel.reshape(hs.shape)
    else:
        dh = np.zeros_like(hs)  # (T, B, H)
        dh[mask] = dh_sel
    grads = backward(trace, dh)
    grads.pop("xs", None)
    del grads["h0"]
    grads.pop("c0", None)
    grads["weight_hy"] = dlogits.T @ h_sel  # (V, H)
    grads["bias_y"] = dlogits.sum(axis=0)  # (V,)
    return loss, grads


def accuracy(model: Model, xs: Array | IntArray, targets: IntArray) -> float:
    """Return the fraction of targeted steps where the most likely class is the target."""
    dtype = str(model.params["weight_hy"].dtype)
    trace = forward(
        model.cell, model.cell_params(), xs, dtype=dtype, nonlinearity=model.nonlinearity
    )
    mask = targets != NO_TARGET
    logits = trace.h[mask] @ model.params["weight_hy"].T + model.params["bias_y"]
    return float((logits.argmax(axis=1) == targets[mask]).mean())


def sample_text(
    model: Model,
    task: NextChar,
    rng: np.random.Generator,
    length: int,
    temperature: float = 1.0,
    start: str | None = None,
) -> str:
    """Return `length` characters generated after `start` (the text's first character by
    default); see sample_ids."""
    start_ids = task.encode(start or task.text[0])
    return task.decode(sample_ids(model, start_ids, rng, length, temperature))


def sample_ids(
    model: Model,
    start_ids: IntArray,
    rng: np.random.Generator,
    length: int,
    temperature: float = 1.0,
) -> list[int]:
    """Return `length` class ids generated one at a time, each fed back as the next input,
    after the network has read `start_ids` (at least one); each drawn from
    softmax(logits / temperature).

    temperature 0 takes the most likely id every time (argmax, no draw); below 1 sharpens
    the distribution, above 1 flattens it. Runs in float64 like a trace. The parameters are
    checked once, not once per step: for a single step, forward's checks cost about as
    much as the step.
    """
    if not (math.isfinite(temperature) and temperature >= 0):
        raise ValueError("The temperature must be 0 or a positive number.")
    if len(start_ids) < 1:
        raise ValueError("Sampling needs at least one character to start from.")
    params, _, H = check_params(model.cell, model.cell_params())  # float64 copies
    W_ih_T = np.ascontiguousarray(params["weight_ih"].T)  # (V, G*H): row v is W_ih onehot(v)
    b_ih = params["bias_ih"]  # (G*H,)
    W_hy = model.params["weight_hy"].astype(np.float64)  # (V, H)
    b_y = model.params["bias_y"].astype(np.float64)  # (V,)
    h = np.zeros(H)
    c = np.zeros(H) if model.cell == "lstm" else None
    x = np.asarray(start_ids, dtype=np.int64)  # (n,) the ids not read yet: the start at first
    out: list[int] = []
    for _ in range(length):
        X = W_ih_T[x] + b_ih  # (n, G*H) input half W_ih x + b_ih
        trace = run(model.cell, params, X, x, h, c, model.nonlinearity)
        h = trace.h[-1]  # (H,)
        c = None if trace.c is None else trace.c[-1]
        logits = W_hy @ h + b_y  # (V,)
        if temperature == 0:
            nxt = int(logits.argmax())
        else:
            p = softmax(logits / temperature)  # (V,)
            nxt = int(rng.choice(len(p), p=p))
        out.append(nxt)
        x = np.array([nxt])  # (1,)
    return out


class Trainer:
    """One training run: a model, its optimiser and the seeded batch stream; step() trains.

    With config.dtype "float32" the model's arrays are converted to float32 in place
    (the dict is updated, so a caller holding the Model sees the trained weights).
    """

    def __init__(self, config: TrainConfig, task: Task, model: Model | None = None) -> None:
        init_seed, batch_seed, eval_seed, sample_seed = np.random.SeedSequence(config.seed).spawn(4)
        if model is None:
            model = init_model(config, task, np.random.default_rng(init_seed))
        if model.params["weight_ih"].shape[1] != task.input_size:
            raise ValueError("The model's input size does not match the task.")
        for name, value in model.params.items():
            model.params[name] = value.astype(config.dtype, copy=False)
        self.config, self.task, self.model = config, task, model
        self.batch_rng = np.random.default_rng(batch_seed)
        self.eval_rng = np.random.default_rng(eval_seed)
        self.sample_rng = np.random.default_rng(sample_seed)
        self.opt: Adam | SGD
        if config.optimizer == "adam":
            self.opt = Adam(model.params, config.learning_rate)
        else:
            self.opt = SGD(model.params, config.learning_rate)

    def step(self) -> tuple[float, float]:
        """Take one optimiser step on a fresh batch; return (loss, gradient norm before clip)."""
        xs, targets = self.task.inputs(self.batch_rng, self.config.batch_size)
        loss, grads = loss_and_grads(self.model, xs, targets)
        norm = clip_by_global_norm(grads, self.config.clip_norm)
        self.opt.step(grads)
        return loss, norm


def train_steps(config: TrainConfig, task: Task, model: Model | None = None) -> Iterator[Progress]:
    """Yield a Progress record every config.log_every steps, for at most config.max_steps.

    Pass a Model from init_model to keep the trained weights: it is updated in place.
    The same config, task and starting model always give the same records.
    """
    trainer = Trainer(config, task, model)
    eval_xs, eval_targets = task.inputs(trainer.eval_rng, config.eval_size)
    for step in range(1, config.max_steps + 1):
        loss, norm = trainer.step()
        done = step == config.max_steps
        if step % config.log_every == 0 or done:
            sample = None
            if isinstance(task, NextChar) and config.sample_length > 0:
                sample = sample_text(trainer.model, task, trainer.sample_rng, config.sample_length)
            acc = accuracy(trainer.model, eval_xs, eval_targets)
            yield Progress(step, loss, norm, acc, sample, done)
