"""`parade train`: the character-level LSTM shipped with the generation lesson.

Trained offline on the course's own text (app/lab/corpus.py) with the engine's trainer
(Adam, clipping, float32), one seed per candidate; the seed with the lowest held-out loss is
kept. Everything written follows from the corpus and the seeds: the same command writes
byte-identical files (no clocks, no wall times in them; the zip entries carry a fixed date).
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.engine import forward
from app.engine.numerics import Params, log_softmax
from app.engine.tasks import NextChar
from app.engine.train import TrainConfig, Trainer
from app.lab.corpus import FEATURES, best_units, correlations, encode, sha256, split_corpus
from app.lab.traces import VOCAB

FORMAT = 1
CELL_KEYS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
KEYS = (*CELL_KEYS, "weight_hy", "bias_y")
PROBE_CHARS = 2000  # the held-out slice whose loss `parade check` recomputes
LOSS_EVERY = 100  # steps per recorded training-loss point
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no clock in the file


@dataclass(frozen=True)
class CharnetConfig:
    """How the shipped network is trained (defaults: about 2 min per seed on one busy core)."""

    hidden_size: int = 64  # H
    steps: int = 4000  # Adam steps per seed
    batch_size: int = 32  # windows per step
    seq_len: int = 100  # T, characters per window
    learning_rate: float = 0.005
    clip_norm: float = 1.0
    memory_bias: float = 1.0  # added to the forget-gate bias at init


@dataclass(frozen=True)
class Candidate:
    seed: int
    params: Params  # float32 arrays, KEYS
    losses: list[tuple[int, float]]  # (step, mean training loss over the last LOSS_EVERY steps)
    heldout_loss: float  # mean cross-entropy per character over the held-out text, nats


def train_one(
    config: CharnetConfig,
    text: str,
    heldout: str,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> Candidate:
    """Return the network trained from `seed` on `text`, and its loss on `heldout`."""
    task = NextChar(text, seq_len=config.seq_len, alphabet=VOCAB)
    train = TrainConfig(
        cell="lstm",
        hidden_size=config.hidden_size,
        learning_rate=config.learning_rate,
        batch_size=config.batch_size,
        max_steps=config.steps,
        clip_norm=config.clip_norm,
        memory_bias=config.memory_bias,
        seed=seed,
        dtype="float32",
    )
    trainer = Trainer(train, task)
    losses: list[tuple[int, float]] = []
    window: list[float] = []
    for step in range(1, config.steps + 1):
        loss, _ = trainer.step()
        window.append(loss)
        if step % LOSS_EVERY == 0 or step == config.steps:
            losses.append((step, round(float(np.mean(window)), 6)))
            window = []
            if progress is not None:
                progress(step)
    params = {k: np.asarray(trainer.model.params[k], dtype=np.float32) for k in KEYS}
    return Candidate(seed, params, losses, text_loss(params, heldout))


def hidden_states(params: Params, text: str, cell: str = "lstm") -> np.ndarray:
    """Return h_t after each character of `text`, read in one go from a zero state, (T, H)."""
    trace = forward(cell, {k: params[k] for k in CELL_KEYS}, encode(text))
    h: np.ndarray = trace.h
    return h


def text_loss(params: Params, text: str, cell: str = "lstm") -> float:
    """Return the mean cross-entropy (nats) of predicting each character of `text` from the
    ones before it (float64 arithmetic from the given weights)."""
    h = hidden_states(params, text[:-1], cell)  # (T-1, H)
    W_hy = np.asarray(params["weight_hy"], dtype=np.float64)  # (V, H)
    b_y = np.asarray(params["bias_y"], dtype=np.float64)  # (V,)
    logp = log_softmax(h @ W_hy.T + b_y, axis=-1)  # (T-1, V)
    targets = encode(text[1:])  # (T-1,)
    return float(-logp[np.arange(len(targets)), targets].mean())


def probe(params: Params, heldout: str) -> dict[str, Any]:
    """Return the numbers `parade check` recomputes: the loss on the held-out text's first
    PROBE_CHARS characters, and per feature the best unit over the whole held-out text."""
    return {
        "chars": min(PROBE_CHARS, len(heldout)),
        "loss": round(text_loss(params, heldout[:PROBE_CHARS]), 6),
        "features": best_units(hidden_states(params, heldout), heldout),
    }


def unit_r(params: Params, heldout: str, unit: int, feature: str, cell: str = "lstm") -> float:
    """Return r between `unit`'s activation and `feature` over the held-out text."""
    h = hidden_states(params, heldout, cell)
    return float(correlations(h, FEATURES[feature][1](heldout))[unit])


def choose_unit(features: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the feature with the strongest best unit (by |r|): the one the lesson shows."""
    name = max(features, key=lambda f: abs(features[f]["r"]))
    return {"feature": name, **features[name]}


def npz_bytes(params: Params) -> bytes:
    """Return the weights as an uncompressed .npz whose bytes depend on the weights alone."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name in KEYS:
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(params[name], dtype=np.float32))
            zf.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE), buf.getvalue())
    return out.getvalue()


def describe(
    config: CharnetConfig, corpus: str, candidates: list[Candidate]
) -> tuple[Candidate, dict[str, Any]]:
    """Return the chosen candidate and the network's description (the .json file)."""
    best = min(candidates, key=lambda c: (c.heldout_loss, c.seed))
    _, heldout = split_corpus(corpus)
    probed = probe(best.params, heldout)
    info = {
        "format": FORMAT,
        "cell": "lstm",
        "hidden_size": config.hidden_size,
        "vocab": VOCAB,
        "config": asdict(config),
        "seed": best.seed,
        "seeds": [
            {"seed": c.seed, "heldout_loss": round(c.heldout_loss, 6)}
            for c in sorted(candidates, key=lambda c: c.seed)
        ],
        "corpus": {
            "file": "corpus.txt",
            "sha256": sha256(corpus),
            "chars": len(corpus),
            "heldout_start": len(corpus) - len(heldout),
        },
        "losses": best.losses,
        "heldout": {
            "loss": round(best.heldout_loss, 6),
            "perplexity": round(math.exp(best.heldout_loss), 4),
        },
        "probe": probed,
        "unit": choose_unit(probed["features"]),
    }
    return best, info


def write_network(
    folder: Path, name: str, corpus: str, params: Params, info: dict[str, Any]
) -> None:
    """Write corpus.txt, NAME.npz and NAME.json into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.txt").write_text(corpus + "\n", encoding="utf-8")
    (folder / f"{name}.npz").write_bytes(npz_bytes(params))
    text = json.dumps(info, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (folder / f"{name}.json").write_text(text, encoding="utf-8")


def _train_seed(args: tuple[CharnetConfig, str, str, int]) -> Candidate:
    """Train one seed in a worker process, pinned to one BLAS thread like the server."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    return train_one(*args)


def train_network(
    config: CharnetConfig,
    corpus: str,
    seeds: Sequence[int],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> tuple[Candidate, dict[str, Any]]:
    """Train one network per seed on the corpus's first 90 %; return the one with the lowest
    held-out loss and its description. `jobs` > 1 trains seeds in parallel processes (the
    results are the same: each seed's run depends on the seed alone)."""
    text, heldout = split_corpus(corpus)
    if jobs <= 1:
        candidates = [train_one(config, text, heldout, s, progress) for s in seeds]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            work = [(config, text, heldout, s) for s in seeds]
            candidates = list(pool.map(_train_seed, work))
    return describe(config, corpus, candidates)
