"""A network shipped in a lesson folder, through the engine API: its description, traces and
samples by `shipped` name, 422 for a name with no network or a mismatched request, 503 for
broken files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.engine import forward, softmax
from app.lab.charnet import CharnetConfig, train_network, write_network
from app.lab.shipped import load_shipped
from app.lab.traces import one_hot

NAME = "rnn-generation/char-lstm"
TEXT = 'the parade goes by (one float at a time), and "the state" keeps it. ' * 30


@pytest.fixture
def network(lessons_dir: Path) -> Path:
    """A tiny network written where the lesson's own would be; returns its .npz."""
    config = CharnetConfig(hidden_size=6, steps=3, seq_len=20)
    best, info = train_network(config, TEXT, [0])
    folder = lessons_dir / "rnn-generation" / "networks"
    write_network(folder, "char-lstm", TEXT, best.params, info)
    return folder / "char-lstm.npz"


def trace(client: TestClient, **body: Any) -> Any:
    base = {"cell": "lstm", "hidden_size": 6, "input": "the (parade)", "shipped": NAME}
    return client.post("/api/engine/trace", json={**base, "include_params": True, **body})


def test_the_description_says_how_to_step_it(client: TestClient, network: Path) -> None:
    r = client.get(f"/api/engine/shipped/{NAME}")
    assert r.status_code == 200, r.text
    info = r.json()
    assert (info["name"], info["cell"], info["hidden_size"]) == (NAME, "lstm", 6)
    assert set(info["features"]) >= {"word_position", "in_parens", "in_quotes"}
    assert info["unit"]["unit"] == info["features"][info["unit"]["feature"]]["unit"]
    assert info["heldout"]["perplexity"] == pytest.approx(np.exp(info["heldout"]["loss"]), 1e-4)


def test_a_trace_steps_exactly_the_shipped_weights(client: TestClient, network: Path) -> None:
    r = trace(client)
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["shipped"] == NAME and run["network"] is None
    with np.load(network) as npz:
        p = {k: npz[k].astype(np.float64) for k in npz.files}
    for k, v in p.items():
        np.testing.assert_array_equal(np.array(run["params"][k]), v)
    ref = forward("lstm", p, one_hot("the (parade)"))
    np.testing.assert_allclose(run["h"], ref.h, rtol=0, atol=1e-12)
    probs = softmax(ref.h @ p["weight_hy"].T + p["bias_y"], axis=-1)
    np.testing.assert_allclose(run["probs"], probs, rtol=0, atol=1e-12)


def test_sampling_from_the_shipped_network_follows_seed_and_temperature(
    client: TestClient, network: Path
) -> None:
    body = {"shipped": NAME, "start": "the ", "length": 60, "seed": 3}
    cold = client.post("/api/engine/sample", json={**body, "temperature": 0.1}).json()
    again = client.post("/api/engine/sample", json={**body, "temperature": 0.1}).json()
    hot = client.post("/api/engine/sample", json={**body, "temperature": 2.0}).json()
    assert cold == again and len(cold["text"]) == 60
    assert cold["text"] != hot["text"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"shipped": "rnn-generation/no-such-net"}, "no shipped network called"),
        ({"shipped": "../../etc/passwd"}, "String should match pattern"),
        ({"hidden_size": 8}, "is a lstm with 6 hidden units"),
        ({"network": "x" * 43}, "not both"),
    ],
)
def test_bad_names_and_mismatches_are_422(
    client: TestClient, network: Path, body: dict[str, Any], message: str
) -> None:
    r = trace(client, **body)
    assert r.status_code == 422, r.text
    assert message in r.text


def test_a_sample_needs_one_network(client: TestClient, network: Path) -> None:
    r = client.post("/api/engine/sample", json={"start": "the "})
    assert r.status_code == 422 and "either `network`" in r.text
    r = client.post("/api/engine/sample", json={"shipped": "rnn/nothing"})
    assert r.status_code == 422 and "no shipped network called 'rnn/nothing'" in r.text
    r = client.get("/api/engine/shipped/rnn/nothing")
    assert r.status_code == 422


def test_broken_files_are_503_with_a_plain_message(
    client: TestClient, network: Path, lessons_dir: Path
) -> None:
    network.write_bytes(b"not a zip file")
    for r in (
        trace(client),
        client.post("/api/engine/sample", json={"shipped": NAME}),
        client.get(f"/api/engine/shipped/{NAME}"),
    ):
        assert r.status_code == 503, r.text
        assert "could not be read on the server" in r.json()["detail"]


def test_a_shipped_network_is_read_once_until_its_file_changes(
    lessons_dir: Path, network: Path
) -> None:
    first = load_shipped(lessons_dir, NAME)
    assert load_shipped(lessons_dir, NAME) is first
    os.utime(network, ns=(1, 1))  # another modification time: the file is read again
    assert load_shipped(lessons_dir, NAME) is not first
