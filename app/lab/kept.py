"""Trained networks kept for a while, so the stepper can step what a student trained.

A kept network is named by a random token (`secrets.token_urlsafe`, 256 bits) that only the
browser that trained it is told; the database holds only the token's SHA-256, so a leaked
table names no network. Kept networks are bounded three ways: each expires after `hours`,
a client keeps at most `per_client` (its oldest go first) and the server at most `total`
(the oldest go first), and each is at most MAX_BYTES.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.models import TrainedNetwork, utcnow
from app.db.ratelimit import serialize_on
from app.engine.numerics import Params
from app.errors import DomainError

MAX_BYTES = 1_000_000  # the weights of one network (the largest allowed is about 0.5 MB)
TOKEN_BYTES = 32  # 256 random bits: 43 URL-safe characters
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{43}$"
MAX_CLIENT = 64
STAGES = ("before", "after")  # the weights at the start of training, and at its end


class NetworkNotKept(DomainError):
    """No kept network has this id: it never existed, expired or was replaced."""

    status = 404

    def __init__(self, hours: int) -> None:
        super().__init__(
            "This trained network is no longer kept (networks are kept for "
            f"{hours} hours, and only your most recent ones). Train it again to step it."
        )


class NetworkMismatch(DomainError):
    """A request names a kept network but asks for another cell or size."""

    status = 422


class NetworkTooLarge(DomainError):
    status = 422

    def __init__(self, size: int) -> None:
        super().__init__(f"The trained network is too large to keep ({size} bytes).")


@dataclass(frozen=True)
class KeepLimits:
    hours: int  # a kept network expires this long after training
    per_client: int  # networks one client address keeps; its oldest go first
    total: int  # networks the server keeps; the oldest go first


@dataclass(frozen=True)
class KeptNetwork:
    cell: str
    hidden_size: int
    settings: dict[str, Any]  # how it was trained (task, steps, seed, ...)
    before: Params  # weight_ih, weight_hh, bias_ih, bias_hh, weight_hy, bias_y at the start
    after: Params  # the same, trained

    @property
    def nonlinearity(self) -> str:
        """Return the RNN's nonlinearity ("tanh" or "relu"), as recorded when it was kept.

        Kept in `settings`, so no schema change: networks kept before ReLU existed are tanh.
        """
        return str(self.settings.get("nonlinearity", "tanh"))


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) under which the network named by `token` is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def pack(before: Params, after: Params) -> bytes:
    """Return both sets of weights as one .npz file (float64, compressed, no pickles)."""
    arrays = {
        f"{stage}.{name}": np.asarray(value, dtype=np.float64)
        for stage, params in zip(STAGES, (before, after), strict=True)
        for name, value in params.items()
    }
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def unpack(blob: bytes) -> tuple[Params, Params]:
    """Return (before, after) from pack's bytes."""
    stages: dict[str, Params] = {stage: {} for stage in STAGES}
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        for key in npz.files:
            stage, name = key.split(".", 1)
            stages[stage][name] = npz[key]
    return stages["before"], stages["after"]


def keep_network(
    session: Session,
    *,
    client: str,
    cell: str,
    hidden_size: int,
    settings: dict[str, Any],
    before: Params,
    after: Params,
    limits: KeepLimits,
    now: datetime | None = None,
) -> str:
    """Keep a trained network and return its id (a token shown once, never stored).

    Raises NetworkTooLarge over MAX_BYTES. Expired networks are deleted first, then the
    client's and the server's oldest until the new one fits under both caps.
    """
    blob = pack(before, after)
    if len(blob) > MAX_BYTES:
        raise NetworkTooLarge(len(blob))
    client = client[:MAX_CLIENT]
    now = now or utcnow()
    serialize_on(session, "trained-networks")  # one writer at a time: the caps hold
    session.execute(delete(TrainedNetwork).where(TrainedNetwork.expires_at <= now))
    _evict_oldest(session, limits.per_client - 1, TrainedNetwork.client == client)
    _evict_oldest(session, limits.total - 1)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        TrainedNetwork(
            id_hash=token_hash(token),
            client=client,
            cell=cell,
            hidden_size=hidden_size,
            settings=settings,
            weights=blob,
            created_at=now,
            expires_at=now + timedelta(hours=limits.hours),
        )
    )
    session.commit()
    return token


def _evict_oldest(session: Session, keep: int, *where: Any) -> None:
    """Delete all but the `keep` newest networks matching `where`."""
    count = session.scalar(select(func.count()).select_from(TrainedNetwork).where(*where)) or 0
    if count <= keep:
        return
    oldest = (
        select(TrainedNetwork.id_hash)
        .where(*where)
        .order_by(TrainedNetwork.created_at, TrainedNetwork.id_hash)
        .limit(count - keep)
    )
    doomed = list(session.scalars(oldest))
    session.execute(delete(TrainedNetwork).where(TrainedNetwork.id_hash.in_(doomed)))


def load_network(
    session: Session, token: str, *, hours: int, now: datetime | None = None
) -> KeptNetwork:
    """Return the kept network named by `token`, or raise NetworkNotKept."""
    row = session.get(TrainedNetwork, token_hash(token))
    if row is None or row.expires_at <= (now or utcnow()):
        raise NetworkNotKept(hours)
    before, after = unpack(row.weights)
    return KeptNetwork(row.cell, row.hidden_size, dict(row.settings), before, after)
