"""Networks shipped in lesson folders (`LESSON/networks/NAME.npz` + `NAME.json`), named
"LESSON/NAME" by the trace and sample APIs, and validated by `parade check`.

A shipped network is read once per process and kept (a few, least recently used first
dropped); a file changed on disk is read again, since its size and time are part of the key.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from app.engine.numerics import Params
from app.errors import DomainError
from app.lab.charnet import KEYS, PROBE_CHARS, text_loss, unit_r
from app.lab.corpus import FEATURES, sha256
from app.lab.traces import SHIPPED_PATTERN, VOCAB

__all__ = ["SHIPPED_PATTERN", "ShippedNetwork", "check_networks", "load_shipped"]
NETWORKS_DIR = "networks"
MAX_FILE_BYTES = 256 * 1024  # the weights of a shipped network; H=64 is about 130 KB
LOSS_TOLERANCE = 1e-3  # nats: the probe's loss against the recorded one
R_TOLERANCE = 0.02  # the chosen unit's correlation against the recorded one
GATE_ROWS = {"rnn": 1, "lstm": 4, "gru": 3}


class ShippedNotFound(DomainError):
    status = 422

    def __init__(self, name: str) -> None:
        super().__init__(
            f"There is no shipped network called {name!r} (names look like "
            "'rnn-generation/char-lstm')."
        )


class ShippedBroken(DomainError):
    """The files exist but cannot be used: the server's fault, not the request's."""

    status = 503

    def __init__(self, name: str) -> None:
        super().__init__(
            f"The shipped network {name!r} could not be read on the server. "
            "Please tell your instructor; `parade check` says what is wrong with it."
        )


class BadNetworkFile(Exception):
    """A shipped network's files are unusable; str() says why, plainly."""


@dataclass(frozen=True)
class ShippedNetwork:
    name: str
    cell: str
    hidden_size: int
    params: Params  # float64, read-only: weight_ih (G*H, V) ... weight_hy (V, H), bias_y (V,)
    info: dict[str, Any]  # the .json description (config, seed, corpus, losses, probe, unit)


def read_network(npz: Path, name: str = "") -> ShippedNetwork:
    """Return the network in `npz` and its .json, checked: shapes, finite numbers, the
    stepper's vocabulary, the size bound. Raise BadNetworkFile saying what is wrong."""
    size = npz.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BadNetworkFile(f"the file is {size} bytes; at most {MAX_FILE_BYTES} are allowed")
    desc = npz.with_suffix(".json")
    if not desc.is_file():
        raise BadNetworkFile(f"{desc.name} is missing: it describes the network")
    try:
        info = json.loads(desc.read_text(encoding="utf-8"))
        cell, H = str(info["cell"]), int(info["hidden_size"])
        vocab = info["vocab"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadNetworkFile(f"{desc.name} is not a network description ({exc})") from None
    if cell not in GATE_ROWS:
        raise BadNetworkFile(f"unknown cell {cell!r} in {desc.name}")
    if vocab != VOCAB:
        raise BadNetworkFile("its vocabulary is not the stepper's: train it again")
    try:
        with np.load(npz, allow_pickle=False) as arrays:
            params: Params = {k: np.asarray(arrays[k], dtype=np.float64) for k in KEYS}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise BadNetworkFile(f"the weights cannot be read ({exc})") from None
    G, V = GATE_ROWS[cell], len(VOCAB)
    shapes = {
        "weight_ih": (G * H, V),
        "weight_hh": (G * H, H),
        "bias_ih": (G * H,),
        "bias_hh": (G * H,),
        "weight_hy": (V, H),
        "bias_y": (V,),
    }
    for key, shape in shapes.items():
        if params[key].shape != shape:
            raise BadNetworkFile(f"{key} has shape {params[key].shape}, expected {shape}")
        if not np.all(np.isfinite(params[key])):
            raise BadNetworkFile(f"{key} holds NaN or infinite numbers")
        params[key].setflags(write=False)
    return ShippedNetwork(name, cell, H, params, info)


def network_path(lessons_dir: Path, name: str) -> Path:
    """Return where the network `name` ("LESSON/NAME") is stored."""
    lesson, _, net = name.partition("/")
    return lessons_dir / lesson / NETWORKS_DIR / f"{net}.npz"


def load_shipped(lessons_dir: Path, name: str) -> ShippedNetwork:
    """Return the shipped network `name`; raise ShippedNotFound (422) for a name with no file,
    ShippedBroken (503) for a file that cannot be used."""
    path = network_path(lessons_dir, name)
    try:
        stat = path.stat()
    except OSError:
        raise ShippedNotFound(name) from None
    try:
        return _cached(path, name, stat.st_mtime_ns, stat.st_size)
    except (BadNetworkFile, OSError):
        raise ShippedBroken(name) from None


@lru_cache(maxsize=4)
def _cached(path: Path, name: str, mtime_ns: int, size: int) -> ShippedNetwork:
    return read_network(path, name)


# --- parade check -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class NetworkProblem:
    """A problem with a shipped network's files; prints as `path: message`."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_networks(lessons_dir: Path) -> list[NetworkProblem]:
    """Return the problems of every shipped network under `lessons_dir` (none: all good)."""
    problems = []
    for npz in sorted(lessons_dir.glob(f"*/{NETWORKS_DIR}/*.npz")):
        problems += [NetworkProblem(npz, m) for m in network_problems(npz)]
    for desc in sorted(lessons_dir.glob(f"*/{NETWORKS_DIR}/*.json")):
        if not desc.with_suffix(".npz").is_file():
            problems.append(NetworkProblem(desc, f"{desc.stem}.npz, its weights, is missing"))
    return problems


def network_problems(npz: Path) -> list[str]:
    """Return what is wrong with one shipped network: its files, then a probe that runs it
    on its held-out text and compares the loss and the chosen unit's r with the recorded."""
    try:
        net = read_network(npz)
    except BadNetworkFile as exc:
        return [str(exc)]
    info = net.info
    try:
        corpus_file = npz.parent / info["corpus"]["file"]
        start, digest = int(info["corpus"]["heldout_start"]), info["corpus"]["sha256"]
        loss, chars = float(info["probe"]["loss"]), int(info["probe"]["chars"])
        unit, feature, r = int(info["unit"]["unit"]), info["unit"]["feature"], info["unit"]["r"]
    except (KeyError, TypeError, ValueError) as exc:
        return [f"{npz.with_suffix('.json').name} lacks {exc} (train it again)"]
    try:
        corpus = corpus_file.read_text(encoding="utf-8").rstrip("\n")
    except OSError:
        return [f"its corpus {corpus_file.name} is missing"]
    if sha256(corpus) != digest:
        return [f"{corpus_file.name} is not the text it was trained on (its SHA-256 differs)"]
    if feature not in FEATURES or not 0 <= unit < net.hidden_size:
        return [f"unit {unit} / feature {feature!r} do not exist"]
    heldout = corpus[start:]
    problems = []
    measured = text_loss(net.params, heldout[: min(chars, PROBE_CHARS)], net.cell)
    if not math.isclose(measured, loss, abs_tol=LOSS_TOLERANCE):
        problems.append(
            f"held-out loss is {measured:.4f}, not the recorded {loss:.4f} "
            f"(within {LOSS_TOLERANCE}): the weights changed"
        )
    got = unit_r(net.params, heldout, unit, feature, net.cell)
    if not abs(got - float(r)) <= R_TOLERANCE:
        problems.append(
            f"unit {unit}'s correlation with {feature} is {got:+.3f}, not the recorded "
            f"{float(r):+.3f} (within {R_TOLERANCE})"
        )
    return problems
