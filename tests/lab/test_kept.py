"""Kept trained networks: unguessable ids stored only as hashes, expiry, caps, a size bound."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.models import TrainedNetwork, utcnow
from app.engine.params import init_params
from app.lab.kept import (
    MAX_BYTES,
    KeepLimits,
    NetworkNotKept,
    NetworkTooLarge,
    keep_network,
    load_network,
    pack,
    unpack,
)
from app.lab.traces import VOCAB

LIMITS = KeepLimits(hours=24, per_client=3, total=5)


def weights(cell: str = "rnn", H: int = 4, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = init_params(cell, len(VOCAB), H, rng)
    p["weight_hy"] = rng.standard_normal((len(VOCAB), H))
    p["bias_y"] = rng.standard_normal(len(VOCAB))
    return p


def keep(db: Database, client: str = "10.0.0.1", seed: int = 0, **kw: object) -> str:
    before, after = weights(seed=seed), weights(seed=seed + 1)
    with db.session(write=True) as session:
        return keep_network(
            session,
            client=client,
            cell="rnn",
            hidden_size=4,
            settings={"seed": seed},
            before=before,
            after=after,
            limits=kw.pop("limits", LIMITS),  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )


def load(db: Database, token: str, **kw: object) -> object:
    with db.session(write=False) as session:
        return load_network(session, token, hours=24, **kw)  # type: ignore[arg-type]


def test_ids_are_random_and_only_their_hash_is_stored(db: Database) -> None:
    tokens = [keep(db, seed=s) for s in range(3)]
    assert len(set(tokens)) == 3
    for token in tokens:
        assert len(token) == 43  # token_urlsafe(32): 256 random bits
    with db.session(write=False) as session:
        rows = session.scalars(select(TrainedNetwork)).all()
        hashes = {r.id_hash for r in rows}
        assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
        for row in rows:  # the token itself is in no column
            assert all(t not in str(row.settings) and t not in row.client for t in tokens)
    kept = load(db, tokens[1])
    np.testing.assert_array_equal(kept.after["weight_hh"], weights(seed=2)["weight_hh"])  # type: ignore[attr-defined]
    np.testing.assert_array_equal(kept.before["bias_y"], weights(seed=1)["bias_y"])  # type: ignore[attr-defined]
    wrong = tokens[1][:-1] + ("A" if tokens[1][-1] != "A" else "B")
    with pytest.raises(NetworkNotKept, match="no longer kept"):
        load(db, wrong)


def test_networks_expire(db: Database) -> None:
    t0 = utcnow() - timedelta(hours=30)
    old = keep(db, now=t0)
    assert load(db, old, now=t0 + timedelta(hours=23))
    with pytest.raises(NetworkNotKept):
        load(db, old, now=t0 + timedelta(hours=24, seconds=1))
    keep(db, seed=5)  # keeping another deletes the expired row
    with db.session(write=False) as session:
        assert len(session.scalars(select(TrainedNetwork.id_hash)).all()) == 1


def test_caps_evict_the_oldest_per_client_then_overall(db: Database) -> None:
    t0 = utcnow()
    mine = [keep(db, "a", seed=i, now=t0 + timedelta(seconds=i)) for i in range(4)]
    with pytest.raises(NetworkNotKept):
        load(db, mine[0])  # per_client = 3: the client's oldest went
    for token in mine[1:]:
        assert load(db, token)
    theirs = [keep(db, "b", seed=9 + i, now=t0 + timedelta(seconds=10 + i)) for i in range(3)]
    # total = 5: six would be kept, so the oldest overall (mine[1]) went
    with pytest.raises(NetworkNotKept):
        load(db, mine[1])
    for token in [*mine[2:], *theirs]:
        assert load(db, token)


def test_the_size_is_bounded() -> None:
    largest = weights("lstm", 64)  # the largest network the Train view can make
    assert len(pack(largest, largest)) < MAX_BYTES
    before, after = unpack(pack(largest, largest))
    assert before.keys() == largest.keys()


def test_too_large_a_network_is_refused(db: Database) -> None:
    noise = {"weight_hh": np.random.default_rng(0).standard_normal((400, 400))}  # ~1.2 MB
    with db.session(write=True) as session, pytest.raises(NetworkTooLarge):
        keep_network(
            session,
            client="a",
            cell="rnn",
            hidden_size=400,
            settings={},
            before=noise,
            after=noise,
            limits=LIMITS,
        )
