"""The engine's JSON API: bounds, parity with forward(), forks, and the training stream."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.engine import forward, influence
from app.lab.traces import VOCAB, network, one_hot


def trace(client: TestClient, **body: Any) -> dict[str, Any]:
    r = client.post("/api/engine/trace", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_trace_numbers_equal_forward_on_the_same_parameters(client: TestClient, cell: str) -> None:
    body = trace(
        client,
        cell=cell,
        hidden_size=5,
        input="the parade",
        seed=7,
        weight_scale=1.5,
        include_params=True,
    )
    net = network(cell, 5, 7, 1.5)
    ref = forward(cell, net.params, one_hot("the parade"))
    np.testing.assert_array_equal(np.array(body["h"]), ref.h)
    assert body["vocab"] == list(VOCAB)
    assert body["tokens"] == [VOCAB.index(ch) for ch in "the parade"]
    gates = {"rnn": set(), "lstm": {"i", "f", "g", "o"}, "gru": {"r", "z", "n"}}[cell]
    assert set(body["gates"]) == gates
    for name in gates:
        np.testing.assert_array_equal(np.array(body["gates"][name]), ref.gates[name])
    if cell == "lstm":
        np.testing.assert_array_equal(np.array(body["c"]), ref.c)
    else:
        assert body["c"] is None
    np.testing.assert_array_equal(np.array(body["influence"]), influence(ref, wrt="x"))
    # the readout: probabilities over the vocabulary at every step
    probs = np.array(body["probs"])
    assert probs.shape == (10, len(VOCAB))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    logits = ref.h @ net.W_hy.T + net.b_y
    expected = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(probs, expected / expected.sum(1, keepdims=True), rtol=1e-12)
    # parameters in PyTorch's names and shapes
    assert np.array(body["params"]["weight_hh"]).shape == (
        {"rnn": 1, "lstm": 4, "gru": 3}[cell] * 5,
        5,
    )


def test_same_request_same_numbers_and_the_seed_matters(client: TestClient) -> None:
    a = trace(client, cell="gru", hidden_size=3, input="abc", seed=1)
    b = trace(client, cell="gru", hidden_size=3, input="abc", seed=1)
    c = trace(client, cell="gru", hidden_size=3, input="abc", seed=2)
    assert a == b and a["h"] != c["h"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"hidden_size": 0}, "greater than or equal to 1"),
        ({"hidden_size": 65}, "less than or equal to 64"),
        ({"input": ""}, "at least 1 character"),
        ({"input": "a" * 201}, "at most 200 characters"),
        ({"input": "Hello"}, "outside the vocabulary: 'H'"),
        ({"weight_scale": -0.1}, "greater than or equal to 0"),
        ({"weight_scale": 10.5}, "less than or equal to 10"),
        ({"seed": -1}, "greater than or equal to 0"),
        ({"cell": "transformer"}, "'rnn', 'lstm' or 'gru'"),
        ({"overrides": [{"step": 9, "unit": 0, "value": 0.5}]}, "past the input's last step"),
        ({"overrides": [{"step": 0, "unit": 8, "value": 0.5}]}, "unit 8 does not exist"),
        ({"overrides": [{"step": 0, "unit": 0, "value": 1.5}]}, "must lie in [-1, 1]"),
        (
            {"overrides": [{"step": 0, "unit": 0, "target": "forget", "value": 0.5}]},
            "only in the LSTM",
        ),
        (
            {"cell": "lstm", "overrides": [{"step": 0, "unit": 0, "target": "forget", "value": 2}]},
            "forget gate value must lie in [0, 1]",
        ),
        ({"overrides": [{"step": 0, "unit": 0, "value": 0.1}] * 17}, "at most 16 items"),
    ],
)
def test_out_of_bounds_requests_get_422_with_a_message(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    r = client.post("/api/engine/trace", json={"hidden_size": 8, "input": "hello", **body})
    assert r.status_code == 422
    assert message in json.dumps(r.json()["detail"]), r.json()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(("scale", "hidden"), [(0.0, 8), (10.0, 64)])
def test_extreme_settings_stay_finite(
    client: TestClient, cell: str, scale: float, hidden: int
) -> None:
    body = trace(client, cell=cell, hidden_size=hidden, input="z" * 200, weight_scale=scale)
    for key in ("h", "probs", "influence"):
        assert np.all(np.isfinite(np.array(body[key]))), key


def test_fork_changes_only_the_edited_step_and_later(client: TestClient) -> None:
    body = trace(
        client,
        cell="rnn",
        hidden_size=4,
        input="parade floats",
        overrides=[{"step": 5, "unit": 2, "value": 0.9}],
    )
    h, edited = np.array(body["h"]), np.array(body["edited"]["h"])
    np.testing.assert_array_equal(edited[:5], h[:5])
    assert edited[5, 2] == 0.9
    np.testing.assert_array_equal(np.delete(edited[5], 2), np.delete(h[5], 2))
    assert np.abs(edited[6:] - h[6:]).max() > 1e-6  # the edit flows on through W_hh
    # and the edited run is what forward() gives when started from the edited state
    net = network("rnn", 4, 0, 1.0)
    rest = forward("rnn", net.params, one_hot("parade floats")[6:], h0=edited[5])
    np.testing.assert_allclose(edited[6:], rest.h, rtol=0, atol=1e-15)


def test_clamping_the_lstm_forget_gate_recomputes_c_and_h(client: TestClient) -> None:
    body = trace(
        client,
        cell="lstm",
        hidden_size=3,
        input="abcdef",
        overrides=[{"step": 2, "unit": 1, "target": "forget", "value": 0.0}],
    )
    g = {k: np.array(v) for k, v in body["edited"]["gates"].items()}
    c, h = np.array(body["edited"]["c"]), np.array(body["edited"]["h"])
    assert g["f"][2, 1] == 0.0
    # with f = 0 the old cell state is wiped: c_2 = i_2 * g_2 for that unit
    assert c[2, 1] == pytest.approx(g["i"][2, 1] * g["g"][2, 1], abs=1e-15)
    assert h[2, 1] == pytest.approx(g["o"][2, 1] * np.tanh(c[2, 1]), abs=1e-15)
    np.testing.assert_array_equal(c[:2], np.array(body["c"])[:2])


def train_records(client: TestClient, **body: Any) -> list[dict[str, Any]]:
    with client.stream("POST", "/api/engine/train", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in r.iter_lines() if line]


def test_training_stream_ends_and_its_loss_falls(client: TestClient) -> None:
    records = train_records(
        client,
        task="remember_first",
        cell="lstm",
        hidden_size=16,
        parade_length=5,
        steps=120,
        log_every=20,
        seed=3,
    )
    assert records[0]["event"] == "start" and records[0]["chance"] == 0.25
    progress = [r for r in records if r["event"] == "progress"]
    assert [p["step"] for p in progress] == [20, 40, 60, 80, 100, 120]
    assert progress[-1]["done"] is True
    end = dict(records[-1])
    seconds = end.pop("seconds")  # the server's compute time, which the page compares with
    assert end == {"event": "end", "reason": "finished", "step": 120}
    assert isinstance(seconds, float) and 0 < seconds < 60
    assert progress[-1]["loss"] < 0.5 * progress[0]["loss"]
    again = train_records(
        client,
        task="remember_first",
        cell="lstm",
        hidden_size=16,
        parade_length=5,
        steps=120,
        log_every=20,
        seed=3,
    )
    assert again == records  # deterministic for a seed


def test_next_char_training_uses_the_lesson_text_and_samples(client: TestClient) -> None:
    records = train_records(
        client, task="next_char", cell="gru", hidden_size=16, steps=40, log_every=20, seq_len=16
    )
    start = records[0]
    assert start["task"] == "next_char" and start["classes"] > 30  # the lesson's characters
    samples = [r["sample"] for r in records if r["event"] == "progress"]
    assert len(samples) == 2 and all(isinstance(s, str) and len(s) == 60 for s in samples)


def test_training_time_limit_ends_the_stream(client: TestClient) -> None:
    records = train_records(client, task="next_char", steps=2000, log_every=1, max_seconds=0.2)
    assert records[-1]["event"] == "end" and records[-1]["reason"] == "time limit"
    assert records[-1]["step"] < 2000


@pytest.mark.parametrize(
    "body",
    [
        {"steps": 0},
        {"steps": 2001},
        {"hidden_size": 65},
        {"max_seconds": 61},
        {"task": "next_char", "text": "short", "seq_len": 16},
        {"learning_rate": 0},
        {"memory_bias": 6},
    ],
)
def test_training_bounds_are_422(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/api/engine/train", json=body).status_code == 422


@pytest.mark.parametrize("body", [b"\xff", b'{"input": "\xff"}', b"{nope", b""])
def test_undecodable_bodies_are_422_with_a_reason(client: TestClient, body: bytes) -> None:
    r = client.post("/api/engine/trace", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"]


@pytest.mark.parametrize(("cell", "gate"), [("lstm", "f"), ("gru", "z")])
def test_memory_bias_opens_the_remembering_gate_and_memory_lasts(
    client: TestClient, cell: str, gate: str
) -> None:
    text = "a long parade of floats goes by"
    plain = trace(client, cell=cell, hidden_size=8, input=text, memory_bias=0)
    biased = trace(client, cell=cell, hidden_size=8, input=text, memory_bias=3)
    assert np.mean(biased["gates"][gate]) > np.mean(plain["gates"][gate]) + 0.3
    # the first float's influence on the last state lasts far longer
    assert biased["influence"][-1][0] > 100 * plain["influence"][-1][0]
    net = network(cell, 8, 0, 1.0, 3.0)
    ref = forward(cell, net.params, one_hot(text))
    np.testing.assert_array_equal(np.array(biased["h"]), ref.h)


def test_memory_bias_is_bounded(client: TestClient) -> None:
    r = client.post("/api/engine/trace", json={"cell": "lstm", "memory_bias": 6})
    assert r.status_code == 422


def test_a_finished_run_is_replayed_for_the_same_request(client: TestClient) -> None:
    from app.lab.training import finished_runs

    body = {
        "task": "remember_first",
        "hidden_size": 4,
        "parade_length": 3,
        "steps": 6,
        "log_every": 2,
        "seed": 12345,
    }
    first = train_records(client, **body)
    hits = finished_runs.hits
    assert train_records(client, **body) == first
    assert finished_runs.hits == hits + 1
    other = train_records(client, **{**body, "seed": 54321})  # a different run trains
    assert finished_runs.hits == hits + 1 and other != first


def test_a_run_cut_short_is_not_replayed(client: TestClient) -> None:
    from app.lab.training import finished_runs

    body = {"task": "next_char", "steps": 2000, "log_every": 1, "max_seconds": 0.1, "seed": 777}
    assert train_records(client, **body)[-1]["reason"] == "time limit"
    hits = finished_runs.hits
    assert train_records(client, **body)[-1]["reason"] == "time limit"
    assert finished_runs.hits == hits


def test_the_memory_meter_can_be_asked_for_alone(client: TestClient) -> None:
    full = trace(client, cell="gru", hidden_size=3, input="parade", include_params=False)
    meter = trace(
        client,
        cell="gru",
        hidden_size=3,
        input="parade",
        include_params=False,
        include_states=False,
    )
    assert meter["influence"] == full["influence"]
    assert not {"h", "c", "gates", "probs", "h0", "c0", "preact"} & set(meter)
    assert meter["tokens"] == full["tokens"]


def test_weights_come_only_when_asked_for(client: TestClient) -> None:
    assert "params" not in trace(client, cell="lstm", hidden_size=2, input="ab")
    params = trace(client, cell="lstm", hidden_size=2, input="ab", include_params=True)["params"]
    assert set(params) == {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hy", "bias_y"}


def test_limits_are_what_the_requests_accept(client: TestClient) -> None:
    from pydantic import ValidationError

    from app.engine import GATES
    from app.lab.traces import MAX_HIDDEN, MAX_STEPS
    from app.lab.training import TrainRequest

    r = client.get("/api/engine/limits")
    assert r.status_code == 200
    assert "max-age=" in r.headers["cache-control"]
    limits = r.json()
    assert (limits["vocab"], limits["max_input"], limits["max_hidden"]) == (
        VOCAB,
        MAX_STEPS,
        MAX_HIDDEN,
    )
    assert {c["id"]: c["gates"] for c in limits["cells"]} == {c: list(g) for c, g in GATES.items()}
    assert [c["name"] for c in limits["cells"]] == ["RNN", "LSTM", "GRU"]
    # each bound is the last value accepted: one past it is a 422
    lo, hi = limits["seed"]
    assert client.post("/api/engine/trace", json={"seed": hi}).status_code == 200
    assert client.post("/api/engine/trace", json={"seed": hi + 1}).status_code == 422
    assert client.post("/api/engine/trace", json={"seed": lo - 1}).status_code == 422
    for field in ("weight_scale", "memory_bias"):
        lo, hi = limits[field]
        assert client.post("/api/engine/trace", json={field: hi}).status_code == 200
        assert client.post("/api/engine/trace", json={field: hi + 0.01}).status_code == 422
        assert client.post("/api/engine/trace", json={field: lo - 0.01}).status_code == 422
    n = limits["max_hidden"]
    assert client.post("/api/engine/trace", json={"hidden_size": n + 1}).status_code == 422
    text = "a" * limits["max_input"]
    assert client.post("/api/engine/trace", json={"input": text + "a"}).status_code == 422
    for target, (lo, hi) in limits["overrides"].items():
        for value, status in ((lo, 200), (hi, 200), (lo - 0.01, 422), (hi + 0.01, 422)):
            edit = {"step": 0, "unit": 0, "target": target, "value": value}
            body = {"cell": "lstm", "input": "ab", "hidden_size": 2, "overrides": [edit]}
            assert client.post("/api/engine/trace", json=body).status_code == status, body
    too_many = [{"step": 0, "unit": 0, "value": 0}] * (limits["max_overrides"] + 1)
    assert client.post("/api/engine/trace", json={"overrides": too_many}).status_code == 422
    assert limits["inits"] == ["pytorch", "orthogonal", "irnn"]
    assert limits["init_cells"]["irnn"] == ["rnn"]
    assert limits["init_nonlinearity"] == {"pytorch": "tanh", "orthogonal": "tanh", "irnn": "relu"}
    for init in limits["inits"]:
        for cell in ("rnn", "lstm", "gru"):
            status = 200 if cell in limits["init_cells"][init] else 422
            body = {"init": init, "cell": cell}
            assert client.post("/api/engine/trace", json=body).status_code == status, body
    assert limits["h_range"]["tanh"] == limits["overrides"]["h"] == [-1, 1]
    for nonlinearity, (lo, hi) in limits["h_range"].items():
        init = {"tanh": "pytorch", "relu": "irnn"}[nonlinearity]
        for value, status in ((lo, 200), (hi, 200), (lo - 0.01, 422), (hi + 0.01, 422)):
            edit = {"step": 0, "unit": 0, "value": value}
            body = {"init": init, "input": "ab", "hidden_size": 2, "overrides": [edit]}
            assert client.post("/api/engine/trace", json=body).status_code == status, body
    assert client.post("/api/engine/trace", json={"init": "zeros"}).status_code == 422
    from app.lab.sampling import SampleRequest

    for field, (lo, hi) in limits["sample"].items():
        for ok in (lo, hi):
            SampleRequest.model_validate({"network": "x" * 43, field: ok})
        for bad in (lo / 2, hi * 1.5):
            with pytest.raises(ValidationError):
                SampleRequest.model_validate({"network": "x" * 43, field: bad})
    train = limits["train"]
    for field, (lo, hi) in train.items():
        TrainRequest.model_validate({field: lo})
        TrainRequest.model_validate({field: hi})
        for bad in (lo - 1, hi + 1):
            with pytest.raises(ValidationError):
                TrainRequest.model_validate({field: bad})


def test_limits_are_in_the_openapi_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    answer = spec["paths"]["/api/engine/limits"]["get"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/EngineLimits")
    assert {"vocab", "cells", "overrides", "train"} <= set(
        spec["components"]["schemas"]["EngineLimits"]["properties"]
    )


def test_irnn_trace_is_a_relu_network_from_the_identity(client: TestClient) -> None:
    body = trace(client, cell="rnn", hidden_size=5, input="the parade", seed=3, init="irnn")
    assert body["nonlinearity"] == "relu" and body["init"] == "irnn"
    net = network("rnn", 5, 3, 1.0, 0.0, "irnn")
    np.testing.assert_array_equal(net.params["weight_hh"], np.eye(5))
    ref = forward("rnn", net.params, one_hot("the parade"), nonlinearity="relu")
    h = np.array(body["h"])
    np.testing.assert_array_equal(h, ref.h)
    np.testing.assert_array_equal(h, np.maximum(np.array(body["preact"]), 0.0))
    assert h.min() == 0.0 and h.max() > 0.0  # some units cut to 0, some passing
    np.testing.assert_array_equal(np.array(body["influence"]), influence(ref, wrt="x"))
    # the same seed draws the same W_ih whichever start: only W_hh and the biases differ
    default = network("rnn", 5, 3, 1.0)
    np.testing.assert_array_equal(net.params["weight_ih"], default.params["weight_ih"])
    np.testing.assert_array_equal(net.W_hy, default.W_hy)
    assert trace(client, cell="rnn", hidden_size=5, input="ab")["nonlinearity"] == "tanh"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"cell": "lstm", "init": "irnn"}, "for the plain RNN only, not the lstm"),
        ({"cell": "gru", "init": "irnn"}, "for the plain RNN only, not the gru"),
        (
            {"init": "irnn", "overrides": [{"step": 0, "unit": 0, "value": -0.5}]},
            "must lie in [0, 10]: h is a ReLU output",
        ),
        (
            {"init": "irnn", "overrides": [{"step": 0, "unit": 0, "value": 10.5}]},
            "less than or equal to 10",
        ),
    ],
)
def test_irnn_refusals_are_422_in_plain_words(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    r = client.post("/api/engine/trace", json={"hidden_size": 8, "input": "hello", **body})
    assert r.status_code == 422
    assert message in json.dumps(r.json()["detail"]), r.json()


def test_relu_fork_sets_h_above_one_and_runs_on(client: TestClient) -> None:
    edit = {"step": 2, "unit": 1, "value": 4.5}
    body = trace(client, hidden_size=4, input="parade", init="irnn", overrides=[edit])
    h, edited = np.array(body["h"]), np.array(body["edited"]["h"])
    np.testing.assert_array_equal(h[:2], edited[:2])
    assert edited[2, 1] == 4.5
    assert edited.min() >= 0 and not np.array_equal(h[3:], edited[3:])
    # the rest runs on as relu from the edited state
    net = network("rnn", 4, 0, 1.0, 0.0, "irnn")
    rest = forward("rnn", net.params, one_hot("ade"), edited[2], nonlinearity="relu")
    np.testing.assert_allclose(edited[3:], rest.h, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("scale", "hidden"), [(0.0, 8), (10.0, 64)])
def test_extreme_irnn_settings_stay_finite(client: TestClient, scale: float, hidden: int) -> None:
    # relu is unbounded: W_hh = 10 I grows h about tenfold a step, ~1e200 after 200 steps,
    # still inside float64 (the memory meter is capped at 1e300 in any case)
    body = trace(client, hidden_size=hidden, input="z" * 200, weight_scale=scale, init="irnn")
    for key in ("h", "probs", "influence"):
        assert np.all(np.isfinite(np.array(body[key]))), key


def test_irnn_training_is_refused_for_gated_cells(client: TestClient) -> None:
    r = client.post("/api/engine/train", json={"cell": "lstm", "init": "irnn", "steps": 5})
    assert r.status_code == 422
    assert "for the plain RNN only, not the lstm" in json.dumps(r.json()["detail"])
