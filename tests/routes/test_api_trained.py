"""Train, keep, then inspect: a kept network through the trace and sample APIs, and the
rules around it (CSRF to keep, 404 once gone, 422 for a mismatch)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from db_fixtures import csrf
from fastapi.testclient import TestClient

from app.engine import forward, softmax
from app.engine.tasks import NextChar
from app.engine.train import Model, TrainConfig, init_model, sample_ids
from app.lab.traces import VOCAB, one_hot

TRAIN = {"task": "next_char", "cell": "gru", "hidden_size": 8, "steps": 30, "log_every": 10}
TRAIN.update(seq_len=16, seed=4, keep=True)


def train(client: TestClient, **body: Any) -> list[dict[str, Any]]:
    with client.stream(
        "POST", "/api/engine/train", json={**TRAIN, **body}, headers=csrf(client)
    ) as r:
        assert r.status_code == 200, r.read()
        return [json.loads(line) for line in r.iter_lines() if line]


@pytest.fixture
def kept(client: TestClient) -> tuple[str, list[dict[str, Any]]]:
    records = train(client)
    assert records[-1]["event"] == "end" and records[-1]["reason"] == "finished"
    return records[-1]["network"], records


def trace(client: TestClient, **body: Any) -> Any:
    base = {"cell": "gru", "hidden_size": 8, "input": "the parade", "include_params": True}
    return client.post("/api/engine/trace", json={**base, **body})


def test_a_kept_network_traces_exactly_its_weights(
    client: TestClient, kept: tuple[str, list[dict[str, Any]]]
) -> None:
    network, records = kept
    after = trace(client, network=network).json()
    before = trace(client, network=network, trained=False).json()
    assert after["network"] == network and after["trained"] is True
    assert before["trained"] is False
    for run in (after, before):  # the engine on the very weights the trace reports
        p = {k: np.array(v) for k, v in run["params"].items()}
        ref = forward("gru", p, one_hot("the parade"))
        np.testing.assert_allclose(run["h"], ref.h, rtol=0, atol=1e-12)
        probs = softmax(ref.h @ p["weight_hy"].T + p["bias_y"], axis=-1)
        np.testing.assert_allclose(run["probs"], probs, rtol=0, atol=1e-12)
    # "before" is the run's own starting point: init_model from the request's seed
    task = NextChar(text="ab " * 20, seq_len=16, alphabet=VOCAB)
    config = TrainConfig(cell="gru", hidden_size=8, seed=4)
    start = init_model(config, task, np.random.default_rng(np.random.SeedSequence(4).spawn(4)[0]))
    for name, value in start.params.items():
        np.testing.assert_array_equal(before["params"][name], value)
    # training moved the weights, and the trained network predicts the text better
    assert not np.allclose(after["params"]["weight_hh"], before["params"]["weight_hh"])
    progress = [r for r in records if r["event"] == "progress"]
    for r in progress:
        assert r["perplexity"] == pytest.approx(math.exp(r["loss"]), rel=1e-12)
    assert progress[-1]["perplexity"] < progress[0]["perplexity"]


def test_keeping_needs_the_csrf_token(client: TestClient) -> None:
    r = client.post("/api/engine/train", json=TRAIN)
    assert r.status_code == 403 and "expired" in r.json()["detail"]
    r = client.post("/api/engine/train", json=TRAIN, headers={"X-CSRFToken": "forged"})
    assert r.status_code == 403
    r = client.post("/api/engine/train", json={**TRAIN, "task": "remember_first"})
    assert r.status_code == 422 and "only next_char" in r.text


def test_unknown_malformed_and_mismatched_networks(
    client: TestClient, kept: tuple[str, list[dict[str, Any]]]
) -> None:
    network, _ = kept
    other = ("A" if network[0] != "A" else "B") + network[1:]
    r = trace(client, network=other)
    assert r.status_code == 404 and "no longer kept" in r.json()["detail"]
    r = trace(client, network="short")
    assert r.status_code == 422
    r = trace(client, network=network, cell="lstm")
    assert r.status_code == 422 and "is a gru with 8 hidden units" in r.json()["detail"]
    r = client.post("/api/engine/sample", json={"network": other})
    assert r.status_code == 404


def test_sampling_a_kept_network(
    client: TestClient, kept: tuple[str, list[dict[str, Any]]]
) -> None:
    network, _ = kept
    body = {"network": network, "start": "the ", "temperature": 0.5, "seed": 1, "length": 120}
    a = client.post("/api/engine/sample", json=body).json()
    assert len(a["text"]) == 120 and set(a["text"]) <= set(VOCAB)
    assert client.post("/api/engine/sample", json=body).json() == a  # seeded
    assert client.post("/api/engine/sample", json={**body, "seed": 2}).json()["text"] != a["text"]
    for bad in ({"temperature": 0.05}, {"temperature": 2.5}, {"length": 401}, {"start": "Ä"}):
        r = client.post("/api/engine/sample", json={**body, **bad})
        assert r.status_code == 422 and r.json()["detail"][0]["msg"]


def test_a_kept_irnn_remembers_its_relu_units(client: TestClient) -> None:
    records = train(client, cell="rnn", init="irnn", learning_rate=0.001)
    network = records[-1]["network"]
    base = {"cell": "rnn", "network": network}
    for trained in (True, False):
        run = trace(client, **base, trained=trained).json()
        assert run["nonlinearity"] == "relu"
        p = {k: np.array(v) for k, v in run["params"].items()}
        ref = forward("rnn", p, one_hot("the parade"), nonlinearity="relu")
        np.testing.assert_allclose(run["h"], ref.h, rtol=0, atol=1e-12)
        assert min(map(min, run["h"])) >= 0
    before = trace(client, **base, trained=False).json()["params"]
    np.testing.assert_array_equal(before["weight_hh"], np.eye(8))  # the IRNN start
    # h overrides follow the kept network's units: ReLU's [0, 10], not tanh's [-1, 1]
    edit = {"step": 1, "unit": 0, "value": 4.0}
    assert trace(client, **base, overrides=[edit]).status_code == 200
    r = trace(client, **base, overrides=[{**edit, "value": -0.5}])
    assert r.status_code == 422 and "h is a ReLU output" in r.json()["detail"]
    # sampling steps it as relu too: the same text as the engine's own relu sampler
    body = {"network": network, "start": "the ", "temperature": 0.5, "seed": 1, "length": 40}
    text = client.post("/api/engine/sample", json=body).json()["text"]
    after = {k: np.array(v) for k, v in trace(client, **base).json()["params"].items()}
    model = Model("rnn", after, "relu")
    start = np.array([VOCAB.index(ch) for ch in "the "])
    ids = sample_ids(model, start, np.random.default_rng(1), 40, 0.5)
    assert text == "".join(VOCAB[i] for i in ids)


def test_a_kept_tanh_network_refuses_relu_sized_overrides(
    client: TestClient, kept: tuple[str, list[dict[str, Any]]]
) -> None:
    network, _ = kept
    r = trace(client, network=network, overrides=[{"step": 0, "unit": 0, "value": 4.0}])
    assert r.status_code == 422 and "h is a tanh output" in r.json()["detail"]
