"""Training runs for the browser: a validated request in, bounded progress records out."""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from app.engine.numerics import Params
from app.engine.tasks import NextChar, RememberFirst, Task
from app.engine.train import TrainConfig, init_model, train_steps
from app.lab.traces import CHAR_INDEX, VOCAB, Init

MAX_TRAIN_STEPS = 2000
MAX_TRAIN_SECONDS = 60.0
MAX_TEXT = 20_000


class TrainRequest(BaseModel):
    task: Literal["next_char", "remember_first"] = Field(
        default="remember_first",
        description="next_char: predict each next character of `text` (the lesson's own text "
        "by default); remember_first: after a parade of `parade_length` floats, name the "
        "first one.",
    )
    cell: Literal["rnn", "lstm", "gru"] = "lstm"
    hidden_size: Annotated[int, Field(ge=1, le=64)] = 32
    parade_length: Annotated[int, Field(ge=2, le=200, description="remember_first: L.")] = 20
    n_values: Annotated[int, Field(ge=2, le=16, description="remember_first: classes.")] = 4
    text: Annotated[str | None, Field(max_length=MAX_TEXT, description="next_char text.")] = None
    seq_len: Annotated[int, Field(ge=4, le=200, description="next_char: window length.")] = 32
    steps: Annotated[int, Field(ge=1, le=MAX_TRAIN_STEPS)] = 300
    optimizer: Literal["adam", "sgd"] = "adam"
    learning_rate: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 0.01
    clip_norm: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 1.0
    batch_size: Annotated[int, Field(ge=1, le=128)] = 32
    weight_scale: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 1.0
    memory_bias: Annotated[
        float,
        Field(
            ge=-5,
            le=5,
            allow_inf_nan=False,
            description="Added to the LSTM forget / GRU update gate bias at the start, so "
            "gated cells begin by remembering (0 = PyTorch's plain initialisation).",
        ),
    ] = TrainConfig.memory_bias
    init: Init = Field(
        default="pytorch",
        description="W_hh at the start: pytorch (uniform, spectral radius about 0.6), "
        "orthogonal (radius 1) or irnn (rnn only: identity W_hh, zero biases, ReLU units; "
        "it wants a small learning rate such as 0.001).",
    )
    log_every: Annotated[int, Field(ge=1, le=500)] = 10
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    max_seconds: Annotated[float, Field(gt=0, le=MAX_TRAIN_SECONDS)] = 30.0
    keep: bool = Field(
        default=False,
        description="next_char only: keep the trained network, so the trace and sample "
        "requests can use it; the `end` record then carries its id as `network`. Changes "
        "state on the server, so it needs the CSRF token (X-CSRFToken header).",
    )

    @model_validator(mode="after")
    def _text_long_enough(self) -> TrainRequest:
        if self.task == "next_char" and self.text is not None:
            self.text = stepper_text(self.text)
            if len(self.text) <= self.seq_len:
                raise ValueError(
                    f"text needs more than seq_len ({self.seq_len}) characters once written "
                    "in the stepper's characters"
                )
        if self.init == "irnn" and self.cell != "rnn":
            raise ValueError(
                f"the IRNN start (identity W_hh with ReLU units) is for the plain RNN only, "
                f"not the {self.cell}: gated cells keep tanh and their gates"
            )
        if self.keep and self.task != "next_char":
            raise ValueError(
                "only next_char networks can be kept: the stepper reads characters, not floats"
            )
        return self


def stepper_text(text: str) -> str:
    """Return `text` in the stepper's characters (VOCAB): lowercased, anything else a space,
    runs of spaces one space. So a trained network reads what the stepper sends it."""
    lowered = "".join(ch if ch in CHAR_INDEX else " " for ch in text.lower())
    return re.sub(" {2,}", " ", lowered)


def make_task(req: TrainRequest, default_text: str) -> Task:
    if req.task == "remember_first":
        return RememberFirst(length=req.parade_length, n_values=req.n_values)
    text = req.text or stepper_text(default_text)
    return NextChar(text=text, seq_len=req.seq_len, alphabet=VOCAB)


# keep(cell, hidden_size, settings, before, after) -> the kept network's id
Keeper = Callable[[str, int, dict[str, Any], Params, Params], str]


def run_training(
    req: TrainRequest, default_text: str, keep: Keeper | None = None
) -> Iterator[dict[str, Any]]:
    """Yield one record per `log_every` steps; stop at `steps` or after `max_seconds`.

    With `keep`, the network is kept when the run ends (finished or at the time limit) and
    the `end` record carries its id as `network`. The `end` record's `seconds` is the time
    the server spent computing (set-up and training steps, not waiting for the client to read
    the stream), so the page's own wait can be compared with it (bench/trainview.py).
    """
    started = time.perf_counter()
    task = make_task(req, default_text)
    config = TrainConfig(
        cell=req.cell,
        hidden_size=req.hidden_size,
        optimizer=req.optimizer,
        learning_rate=req.learning_rate,
        batch_size=req.batch_size,
        max_steps=req.steps,
        clip_norm=req.clip_norm,
        log_every=req.log_every,
        weight_scale=req.weight_scale,
        init=req.init,
        memory_bias=req.memory_bias,
        seed=req.seed,
        eval_size=128,
    )
    # Drawn as train_steps would (the first of the seed's four streams), and kept.
    init_seed = np.random.SeedSequence(config.seed).spawn(4)[0]
    model = init_model(config, task, np.random.default_rng(init_seed))
    before = {name: value.copy() for name, value in model.params.items()}
    deadline = time.monotonic() + req.max_seconds
    computing = time.perf_counter() - started  # seconds spent here, between the yields
    yield {
        "event": "start",
        "task": task.name,
        "classes": task.n_classes,
        "chance": 1.0 / task.n_classes,
        "steps": req.steps,
    }
    started = time.perf_counter()
    next_char = isinstance(task, NextChar)
    for progress in train_steps(config, task, model):
        computing += time.perf_counter() - started
        record = {"event": "progress", **asdict(progress)}
        if next_char:  # e^loss: "as unsure as a fair pick among this many characters"
            record["perplexity"] = math.exp(progress.loss)
        yield record
        started = time.perf_counter()
        reason = "finished" if progress.done else None
        if reason is None and time.monotonic() > deadline:
            reason = "time limit"
        if reason is not None:
            end: dict[str, Any] = {"event": "end", "reason": reason, "step": progress.step}
            if keep is not None:
                settings = {
                    "task": task.name,
                    "steps": progress.step,
                    "seed": req.seed,
                    "init": req.init,
                    "nonlinearity": config.activation,
                    "memory_bias": req.memory_bias,
                    "weight_scale": req.weight_scale,
                }
                end["network"] = keep(req.cell, req.hidden_size, settings, before, model.params)
            end["seconds"] = round(computing + time.perf_counter() - started, 4)
            yield end
            return


class _FinishedRuns:
    """The records of recently finished runs: a run is deterministic for its request, so an
    identical request replays them instead of training again. Runs cut short (time limit,
    client gone) are not kept. A cache of computations, not per-user state."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self._runs: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> list[dict[str, Any]] | None:
        with self._lock:
            records = self._runs.get(key)
            if records is not None:
                self._runs.move_to_end(key)
                self.hits += 1
            return records

    def put(self, key: str, records: list[dict[str, Any]]) -> None:
        with self._lock:
            self._runs[key] = records
            while len(self._runs) > self.size:
                self._runs.popitem(last=False)


finished_runs = _FinishedRuns(size=64)


def cached_training(
    req: TrainRequest, default_text: str, keep: Keeper | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the run's records: replayed when this very run finished before, else trained.
    A run that keeps its network always trains (its weights are not cached here)."""
    if keep is not None:
        yield from run_training(req, default_text, keep)
        return
    text = req.text or default_text if req.task == "next_char" else ""
    key = hashlib.sha256(f"{req.model_dump_json()}\n{text}".encode()).hexdigest()
    records = finished_runs.get(key)
    if records is not None:
        yield from records
        return
    records = []
    for record in run_training(req, default_text):
        records.append(record)
        yield record
    if records[-1].get("reason") == "finished":
        finished_runs.put(key, records)
