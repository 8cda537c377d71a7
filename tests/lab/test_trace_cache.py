"""The trace cache is bounded by bytes: it never holds more than its bound, drops the least
recently used first, and a hit returns the very bytes computed."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.lab.cache import ByteCache
from app.main import create_app


def test_the_cache_never_holds_more_than_its_bound() -> None:
    rng = np.random.default_rng(7)
    cache = ByteCache(max_bytes=10_000)
    for i in range(500):
        key = f"k{rng.integers(0, 80)}"  # repeats replace values: the size must follow
        cache.put(key, bytes(int(rng.integers(0, 3_000))))
        if i % 3 == 0:
            cache.get(f"k{rng.integers(0, 80)}")
        assert cache.size == sum(len(v) for v in cache._values.values()) <= 10_000
    assert len(cache) > 3  # it did keep things


def test_the_least_recently_used_goes_first() -> None:
    cache = ByteCache(max_bytes=30)
    for key in "abc":
        cache.put(key, key.encode() * 10)
    assert cache.get("a") == b"a" * 10  # a is now the most recent; b the least
    cache.put("d", b"d" * 10)
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == [b"a" * 10, b"c" * 10, b"d" * 10]
    assert cache.size == 30


def test_a_value_larger_than_the_cache_is_not_kept() -> None:
    cache = ByteCache(max_bytes=100)
    cache.put("small", b"x" * 60)
    cache.put("huge", b"y" * 101)
    assert cache.get("huge") is None and cache.get("small") == b"x" * 60
    off = ByteCache(max_bytes=0)
    off.put("k", b"v")
    assert off.get("k") is None and off.size == 0


@pytest.fixture
def small_cache_app(settings: Settings) -> FastAPI:
    return create_app(settings.model_copy(update={"trace_cache_mb": 1}))


def test_the_trace_route_keeps_its_cache_under_the_setting(small_cache_app: FastAPI) -> None:
    cache: ByteCache = small_cache_app.state.trace_cache
    assert cache.max_bytes == 2**20
    with TestClient(small_cache_app) as client:
        body = {"cell": "lstm", "hidden_size": 24, "input": "a parade of floats " * 4}
        first = client.post("/api/engine/trace", json=body)
        assert first.status_code == 200
        hits = cache.hits
        again = client.post("/api/engine/trace", json=body)
        assert again.content == first.content and cache.hits == hits + 1
        sizes = []
        for seed in range(12):  # distinct traces, more than a megabyte of them in all
            r = client.post("/api/engine/trace", json={**body, "seed": seed + 1})
            assert r.status_code == 200
            sizes.append(len(r.content))
            assert cache.size <= 2**20
        assert sum(sizes) > 2**20, "the test must overflow the cache"
        assert len(cache) < 13
