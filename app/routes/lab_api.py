"""JSON API of the NumPy engine: traces for the stepper, streamed training runs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

import annotated_types as at
import numpy as np
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from app.config import Settings
from app.content.store import Snapshot
from app.engine import GATES
from app.engine.numerics import Params
from app.engine.params import INIT_NONLINEARITY, INITS, check_init
from app.lab.budget import EngineBudget, TrainingRun
from app.lab.kept import KeepLimits, KeptNetwork, keep_network, load_network
from app.lab.sampling import SampleRequest, run_sample
from app.lab.shipped import ShippedNetwork, ShippedNotFound, load_shipped
from app.lab.traces import (
    H_RANGE,
    MAX_HIDDEN,
    MAX_STEPS,
    SHIPPED_PATTERN,
    VOCAB,
    Override,
    TraceRequest,
    check_kept,
    check_shipped,
    run_trace,
)
from app.lab.training import Keeper, TrainRequest, cached_training
from app.web.csrf import require_csrf
from app.web.deps import (
    EngineBudgetDep,
    LessonsDep,
    SettingsDep,
    TraceCacheDep,
    TrainSlotsDep,
)
from app.web.responses import refusals
from app.web.streaming import ClosingStreamingResponse

router = APIRouter(prefix="/api/engine", tags=["engine"])

FALLBACK_TEXT = (
    "a recurrent neural network reads a sequence one step at a time and keeps a hidden state, "
    "a short summary of everything it has seen so far. the same weights are used at every "
    "step. like a person watching a parade, it remembers the floats that passed by, but the "
    "early ones fade from memory as the parade goes on. "
) * 2

_TRACE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Every step of the run. Arrays are nested lists of floats: "
        "h (T, H), c (T, H) or null, gates {name: (T, H)} (lstm i, f, g, o; gru r, z, n), "
        "preact (T, H) for rnn, `nonlinearity` (the rnn's tanh or relu: h = f(preact)), "
        "probs (T, V) over `vocab`, influence (T, T) with influence[t][k] = ||dh_t/dx_k|| "
        "(0 for k > t), params (PyTorch names and shapes), "
        "and `edited` (the same state arrays) when overrides are given.",
        "content": {"application/json": {}},
    }
}


def _array_default(value: object) -> object:
    if isinstance(value, np.ndarray):  # views (e.g. gate slices) that orjson can't take as is
        return value.tolist()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def _dumps(data: object) -> bytes:
    return orjson.dumps(data, default=_array_default, option=orjson.OPT_SERIALIZE_NUMPY)


def _trace_bytes(
    req: TraceRequest, kept: KeptNetwork | None, shipped: ShippedNetwork | None
) -> bytes:
    """Return the trace for `req` as JSON bytes; raise ValueError on a non-finite number."""
    result = run_trace(req, kept, shipped)
    for value in _arrays(result):
        if not np.all(np.isfinite(value)):
            raise ValueError("the engine produced a non-finite number")
    return _dumps(result)


def _arrays(value: object) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        return [a for v in value.values() for a in _arrays(v)]
    return []


LIMITED = refusals({429: "Too much engine time used by this client; see Retry-After"})
KEPT = refusals({404: "The trained network named by `network` is not kept (unknown or expired)"})
SHIPPED = refusals(
    {
        422: "Bad input, or no shipped network has the name given as `shipped`",
        503: "The shipped network's files are broken on the server",
    }
)


def _kept(budget: EngineBudget, settings: Settings, network: str) -> KeptNetwork:
    """Return the kept network with id `network`, or raise NetworkNotKept (404)."""
    with budget.db.session(write=False) as session:
        return load_network(session, network, hours=settings.trained_network_hours)


@router.post(
    "/trace",
    summary="Step a seeded (or a kept trained) RNN, LSTM or GRU through a text",
    responses={**_TRACE_DOC, **LIMITED, **KEPT, **SHIPPED},
)
def trace(
    req: TraceRequest, budget: EngineBudgetDep, cache: TraceCacheDep, settings: SettingsDep
) -> Response:
    budget.check()
    kept = shipped = None
    if req.network is not None:  # looked up every time: an expired network is gone
        kept = _kept(budget, settings, req.network)
        check_kept(req, kept)
    if req.shipped is not None:
        shipped = load_shipped(settings.lessons_dir, req.shipped)
        check_shipped(req, shipped)
    # Same request, same seed (or the same kept network): same numbers. Cache the answer.
    key = req.model_dump_json()
    data = cache.get(key)
    if data is None:
        data = budget.run(lambda: _trace_bytes(req, kept, shipped))
        cache.put(key, data)
    return Response(data, media_type="application/json")


@router.post(
    "/sample",
    summary="Generate text from a kept or shipped next-character network, at a temperature",
    responses={**LIMITED, **KEPT, **SHIPPED},
)
def sample(req: SampleRequest, budget: EngineBudgetDep, settings: SettingsDep) -> dict[str, Any]:
    budget.check()
    if req.shipped is not None:
        shipped = load_shipped(settings.lessons_dir, req.shipped)
        cell, params, nonlinearity = shipped.cell, shipped.params, "tanh"
    else:
        assert req.network is not None  # SampleRequest asks for one of the two
        kept = _kept(budget, settings, req.network)
        cell, params, nonlinearity = kept.cell, kept.after, kept.nonlinearity
    return budget.run(lambda: run_sample(req, cell, params, nonlinearity))


class ShippedInfo(BaseModel):
    """What a page needs to step a shipped network and say what its units track."""

    name: str
    cell: str
    hidden_size: int
    vocab: str
    heldout: dict[str, float]  # loss (nats per character) and perplexity on held-out text
    unit: dict[str, Any]  # the unit the lesson shows: unit, feature, shows, r
    features: dict[str, dict[str, Any]]  # per feature, the best unit and its r (held out)


@router.get(
    "/shipped/{lesson}/{name}",
    response_model=ShippedInfo,
    summary="Describe a network shipped with a lesson (size, held-out loss, its units)",
    responses=SHIPPED,
)
def shipped_info(lesson: str, name: str, settings: SettingsDep) -> ShippedInfo:
    full = f"{lesson}/{name}"
    if not re.fullmatch(SHIPPED_PATTERN, full):
        raise ShippedNotFound(full)
    net = load_shipped(settings.lessons_dir, full)
    return ShippedInfo(
        name=full,
        cell=net.cell,
        hidden_size=net.hidden_size,
        vocab=VOCAB,
        heldout=net.info["heldout"],
        unit=net.info["unit"],
        features=net.info["probe"]["features"],
    )


def _lesson_text(lessons: Snapshot) -> str:
    lesson = lessons.lessons.get("rnn") or next(iter(lessons.ordered()), None)
    text = " ".join(s.text for s in lesson.sections) if lesson else ""
    return text if len(text) > 300 else FALLBACK_TEXT


@router.post(
    "/train",
    summary="Train a small network, streaming progress as JSON lines",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One JSON object per line: a `start` record, `progress` "
            "records {step, loss, grad_norm, accuracy, sample, done} (next_char adds "
            "perplexity = e^loss), then an `end` record with the reason (and, with "
            "`keep`, the kept network's id as `network`). Close the connection to stop the run.",
            "content": {"application/x-ndjson": {}},
        },
        **refusals(
            {
                403: "`keep` without the page's CSRF token (X-CSRFToken header)",
                429: "Too many trainings running (from this client, or on this server "
                "process), or too much engine time used by this client; see Retry-After",
            }
        ),
    },
)
def train(
    req: TrainRequest,
    request: Request,
    lessons: LessonsDep,
    budget: EngineBudgetDep,
    slots: TrainSlotsDep,
    settings: SettingsDep,
) -> StreamingResponse:
    keep = None
    if req.keep:
        require_csrf(request)  # keeping a network changes state: the engine API's one such case
        keep = _keeper(budget, settings)
    run = TrainingRun.start(budget, slots, per_client=settings.train_streams_per_client)
    try:
        records = cached_training(req, _lesson_text(lessons), keep)
        lines = (orjson.dumps(r) + b"\n" for r in records)
        return ClosingStreamingResponse(
            run.stream(lines),
            media_type="application/x-ndjson",
            headers={"Cache-Control": "no-store"},
            on_close=run.finish,
        )
    except BaseException:
        run.finish()
        raise


def _keeper(budget: EngineBudget, settings: Settings) -> Keeper:
    """Return the function that keeps a finished run's network for budget's client."""
    limits = KeepLimits(
        hours=settings.trained_network_hours,
        per_client=settings.trained_network_per_client,
        total=settings.trained_network_max,
    )

    def keep(cell: str, size: int, how: dict[str, Any], before: Params, after: Params) -> str:
        with budget.db.session(write=True) as session:
            return keep_network(
                session,
                client=budget.client,
                cell=cell,
                hidden_size=size,
                settings=how,
                before=before,
                after=after,
                limits=limits,
            )

    return keep


class CellLimits(BaseModel):
    id: str  # "rnn", "lstm", "gru": the value of `cell` in a request
    name: str  # "RNN": how the page names it
    gates: list[str]  # PyTorch's order, as in the trace's `gates` (rnn: "a", its pre-activation)


class TrainLimits(BaseModel):
    hidden_size: tuple[int, int]
    parade_length: tuple[int, int]
    steps: tuple[int, int]


class SampleLimits(BaseModel):
    temperature: tuple[float, float]
    length: tuple[int, int]


class EngineLimits(BaseModel):
    """What the trace and train requests accept: the stepper's controls are built from this."""

    vocab: str
    max_input: int  # characters (steps) in a trace's input
    max_hidden: int
    cells: list[CellLimits]
    seed: tuple[int, int]
    weight_scale: tuple[float, float]
    memory_bias: tuple[float, float]
    max_overrides: int
    overrides: dict[str, tuple[float, float]]  # target -> [lowest, highest] value
    inits: list[str]  # the choices of `init` (W_hh at the start)
    init_cells: dict[str, list[str]]  # init -> the cells it may start ("irnn": only "rnn")
    init_nonlinearity: dict[str, str]  # init -> the RNN units it implies ("irnn": "relu")
    # nonlinearity -> [lowest, highest] an h override may set: tanh's [-1, 1]; ReLU's h is
    # >= 0 and unbounded above, so the stepper's own ceiling (overrides["h"] is tanh's)
    h_range: dict[str, tuple[float, float]]
    train: TrainLimits
    sample: SampleLimits


def _bounds(model: type[BaseModel], field: str) -> tuple[Any, Any]:
    """Return a request field's (lowest, highest) allowed value, read from its validation."""
    lo = hi = None
    for rule in model.model_fields[field].metadata:
        if isinstance(rule, at.Ge):
            lo = rule.ge
        elif isinstance(rule, at.Le):
            hi = rule.le
        elif isinstance(rule, at.Lt):  # integers only (steps, units): the last one allowed
            hi = cast(int, rule.lt) - 1
        elif isinstance(rule, at.MaxLen):
            hi = rule.max_length
    if lo is None and hi is None:
        raise ValueError(f"{model.__name__}.{field} has no bounds")
    return lo, hi


def _fits(cell: str, init: str) -> bool:
    """Return whether `init` can start a `cell` (the engine's own check says)."""
    try:
        check_init(cell, init)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def engine_limits() -> EngineLimits:
    """Return the limits, read from the request models so the two cannot disagree."""
    value = _bounds(Override, "value")
    return EngineLimits(
        vocab=VOCAB,
        max_input=MAX_STEPS,
        max_hidden=MAX_HIDDEN,
        cells=[CellLimits(id=c, name=c.upper(), gates=list(g)) for c, g in GATES.items()],
        seed=_bounds(TraceRequest, "seed"),
        weight_scale=_bounds(TraceRequest, "weight_scale"),
        memory_bias=_bounds(TraceRequest, "memory_bias"),
        max_overrides=_bounds(TraceRequest, "overrides")[1],
        # h is a tanh output and a gate a sigmoid output (TraceRequest checks both); c is
        # bounded only by the value field itself
        overrides={"h": H_RANGE["tanh"], "c": value, "forget": (0.0, 1.0)},
        inits=list(INITS),
        init_cells={init: [c for c in GATES if _fits(c, init)] for init in INITS},
        init_nonlinearity=dict(INIT_NONLINEARITY),
        h_range=dict(H_RANGE),
        sample=SampleLimits(
            temperature=_bounds(SampleRequest, "temperature"),
            length=_bounds(SampleRequest, "length"),
        ),
        train=TrainLimits(
            hidden_size=_bounds(TrainRequest, "hidden_size"),
            parade_length=_bounds(TrainRequest, "parade_length"),
            steps=_bounds(TrainRequest, "steps"),
        ),
    )


@router.get(
    "/limits",
    response_model=EngineLimits,
    summary="What the trace and train requests accept (vocabulary, sizes, ranges)",
)
def limits(response: Response) -> EngineLimits:
    # the same for every user until the next deploy: a page may reuse it for an hour
    response.headers["Cache-Control"] = "public, max-age=3600"
    return engine_limits()
