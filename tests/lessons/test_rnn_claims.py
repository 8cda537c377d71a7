"""Every claim the RNN lesson makes about a widget or a keyed number, checked against the engine.

Widget settings come from lesson.md through app/content (the placeholder's data-config, which
is what the page receives) and traces from the JSON API the page calls, so an edit to a widget
block is checked as a student will see it. Numbers a caption states are read from the caption.
Training claims use the engine's training API with the settings the page sends (read from
static/js where the page fixes them). Keyed quiz answers are recomputed from the engine and
graded through the quiz API.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from bs4 import BeautifulSoup
from db_fixtures import csrf
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.content.folder import load_folder
from app.content.model import Lesson
from app.content.schema import NumericQuestion
from app.engine import backward, forward, init_params
from app.engine.numerics import log_softmax, softmax
from app.engine.tasks import RememberFirst
from app.engine.train import Model, TrainConfig, init_model, train_steps
from app.main import create_app

# The course's lessons: the claims and keys they hold are checked together, wherever they sit.
COURSE = ("rnn", "rnn-training", "rnn-gated", "rnn-generation")
LESSON_DIR = PROJECT_ROOT / "lessons" / "rnn"
JS = PROJECT_ROOT / "static" / "js" / "stepper"
BASIC = "how-it-works-rnn-stepper-1"
VANISH = "challenges-rnn-stepper-1"
PARADE = "variants-rnn-stepper-1"
TRAIN = "variants-rnn-stepper-2"
ORDINALS = {
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    """Every lesson of the course as one: all sections and all questions, in course order."""
    course = [load_folder(LESSON_DIR.parent / slug) for slug in COURSE]
    return replace(
        course[0],
        sections=tuple(s for lesson in course for s in lesson.sections),
        questions=tuple(q for lesson in course for q in lesson.questions),
    )


def slug_of(qid: str) -> str:
    """Return the slug of the course lesson that asks question `qid`."""
    for slug in COURSE:
        if load_folder(LESSON_DIR.parent / slug).question(qid) is not None:
            return slug
    raise AssertionError(f"no question {qid!r} in the course")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module, serving the repo's lessons (read only) to a guest."""
    tmp = tmp_path_factory.mktemp("claims")
    settings = Settings(
        lessons_dir=LESSON_DIR.parent,
        database_url=f"sqlite:///{tmp / 'p.db'}",
        secret_key="test-secret-key-" + "x" * 32,
        watch_lessons=False,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def widget(lesson: Lesson, widget_id: str) -> dict[str, Any]:
    """Return the widget's config exactly as the page gets it (data-config of its placeholder)."""
    for section in lesson.sections:
        el = BeautifulSoup(section.html, "html.parser").find(id=widget_id)
        if el is not None:
            config: dict[str, Any] = json.loads(str(el["data-config"]))
            return config
    raise AssertionError(f"no widget #{widget_id} in lesson.md")


def text_of(lesson: Lesson, section_id: str) -> str:
    section = next(s for s in lesson.sections if s.id == section_id)
    return " ".join(section.text.split())


def claim(pattern: str, caption: str) -> tuple[str, ...]:
    """Return the groups of the claim `pattern` in `caption`; fail if the caption lost it.

    In `pattern`, `(#)` captures a number such as 3, 0.5 or 21.9 (not a full stop after it).
    """
    m = re.search(pattern.replace("(#)", r"(\d+(?:\.\d+)?)"), caption)
    assert m is not None, f"the caption no longer says {pattern!r}: update this test with it"
    return m.groups()


def js_number(file: str, pattern: str) -> float:
    """Return a number the page's script fixes (what the button or the train form sends)."""
    m = re.search(pattern.replace("(#)", r"(\d+(?:\.\d+)?)"), (JS / file).read_text())
    assert m is not None, f"{file} no longer matches {pattern!r}"
    return float(m.group(1))


def traces(
    client: TestClient, config: dict[str, Any], cells: list[str], **changes: Any
) -> dict[str, dict[str, Any]]:
    """Return each lane's trace as the widget asks for it (widget.js refresh), with changes."""
    base = {k: config[k] for k in ("hidden_size", "input", "seed", "weight_scale", "memory_bias")}
    out = {}
    for cell in cells:
        r = client.post("/api/engine/trace", json={**base, "cell": cell, **changes})
        assert r.status_code == 200, r.text
        out[cell] = r.json()
    return out


def first_float(trace: dict[str, Any]) -> np.ndarray:
    """Return ||dh_t/dx_1|| for every step t: the parade chart's line."""
    return np.array(trace["influence"])[:, 0]


def lanes(config: dict[str, Any]) -> list[str]:
    """Return the cells a parade shows (widget.js lanes): one if the cell is locked."""
    one = "cell" in config["locked"] or "lanes" in config["hidden"]
    return [config["cell"]] if one else ["rnn", "lstm", "gru"]


# --- widgets --------------------------------------------------------------------------------


def test_the_two_ls_of_hello_leave_different_states(lesson: Lesson, client: TestClient) -> None:
    config = widget(lesson, BASIC)
    caption = config["caption"]
    assert "the four numbers of h_t" in caption and config["hidden_size"] == 4
    assert "the two l's" in caption and config["input"] == "hello"
    h = np.array(traces(client, config, [config["cell"]])[config["cell"]]["h"])
    assert not np.allclose(h[2], h[3], atol=1e-3)  # same input "l", different states


def test_weight_scale_caption_matches_the_engine(lesson: Lesson, client: TestClient) -> None:
    config = widget(lesson, VANISH)
    caption = config["caption"]
    assert lanes(config) == ["rnn"] and config["weight_scale"] == 0.5

    small, pct, by = claim(
        r"At (#) the first float's influence falls below (\d+)% by the "
        r"(\w+) float",
        caption,
    )
    line = first_float(traces(client, config, ["rnn"], weight_scale=float(small))["rnn"])
    assert line[ORDINALS[by] - 1] < float(pct) / 100 * line[0]

    big, start, peak, at = claim(
        r"At (#) it can grow instead, from (#) to (#) by "
        r"the (\w+) float",
        caption,
    )
    run = traces(client, config, ["rnn"], weight_scale=float(big))["rnn"]
    line = first_float(run)
    assert round(line[0], 1) == float(start)
    assert round(line.max()) == float(peak) and int(line.argmax()) + 1 == ORDINALS[at]
    # Measured: 3.74 at the first float, 21.9 at the ninth, 2.33 at the 32nd (seed 0).
    (end,) = claim(
        r"saturate near plus or minus 1, where tanh is flat, and it falls back to "
        r"(#)",
        caption,
    )
    assert round(line[-1], 1) == float(end)
    h = np.abs(np.array(run["h"]))
    small_h = np.abs(np.array(traces(client, config, ["rnn"])["rnn"]["h"]))
    assert (h > 0.95).mean() > 0.1 and (small_h > 0.95).mean() == 0  # saturation at 3 only

    (seed,) = claim(r"With seed (\d+) the influence dies out almost completely", caption)
    reseeded = traces(client, config, ["rnn"], weight_scale=float(big), seed=int(seed))
    line = first_float(reseeded["rnn"])
    assert line[-1] < 1e-6 * line[0]


def test_parade_caption_matches_the_engine(lesson: Lesson, client: TestClient) -> None:
    config, before = widget(lesson, PARADE), widget(lesson, VANISH)
    caption = config["caption"]
    units, other, scale = claim(
        r"A new parade, with (\d+) units instead of (\d+) and weight scale (#), now in "
        r"three cells side by side, all untrained",
        caption,
    )
    assert config["input"] != before["input"] and config["hidden_size"] == int(units)
    assert before["hidden_size"] == int(other) and config["weight_scale"] == float(scale)
    assert lanes(config) == ["rnn", "lstm", "gru"] and config["memory_bias"] == 0

    untrained = traces(client, config, lanes(config))
    kept = {cell: first_float(run)[-1] / first_float(run)[0] for cell, run in untrained.items()}
    assert "The LSTM has lost it almost as completely as the RNN" in caption
    assert kept["lstm"] < 1e-6 and kept["rnn"] < 1e-6  # measured 7.8e-8 and 1.5e-10
    assert "its forget gate sits near 0.5" in caption
    assert 0.4 < np.mean(untrained["lstm"]["gates"]["f"]) < 0.6  # measured 0.47

    bias, floats = claim(
        r"\(memory bias (\d+), the positive forget bias from above, large "
        r"enough to show within (\d+) floats\)",
        caption,
    )
    assert float(bias) == js_number("parade.js", r"REMEMBERING_BIAS = (#);")
    assert int(floats) == len(config["input"])
    lstm_pct, gru_pct = claim(r"the LSTM and GRU keep (\d+)% and (\d+)% of it to the end", caption)
    opened = traces(client, config, lanes(config), memory_bias=float(bias))
    kept = {cell: first_float(run)[-1] / first_float(run)[0] for cell, run in opened.items()}
    assert round(100 * kept["lstm"]) == int(lstm_pct) and round(100 * kept["gru"]) == int(gru_pct)
    assert "the RNN keeps almost nothing" in caption and kept["rnn"] < 1e-6


def train_widget_config(
    lesson: Lesson, cell: str, length: int
) -> tuple[TrainConfig, RememberFirst]:
    """Return what the train view trains for `cell` at `length` (train.js request, training.py)."""
    config = widget(lesson, TRAIN)
    steps = js_number("trainsettings.js", r"const DEFAULTS = \{[^}]*steps: (\d+)")
    lr = js_number("state.js", r"lr: clamp\(num\(url\.lr, (#)\)")
    train = TrainConfig(
        cell=cell,
        hidden_size=config["hidden_size"],
        learning_rate=lr,
        batch_size=32,
        max_steps=int(steps),
        clip_norm=1.0,
        log_every=int(steps),
        seed=config["seed"],
        memory_bias=js_number("trainsettings.js", r"TRAIN_MEMORY_BIAS = (#);"),
        eval_size=128,
    )
    return train, RememberFirst(length=length, n_values=4)


def accuracy_after(config: TrainConfig, task: RememberFirst, model: Model | None = None) -> float:
    *_, last = train_steps(config, task, model)
    assert last.accuracy is not None
    return last.accuracy


def test_train_caption_the_rnn_learns_10_floats_not_20(lesson: Lesson) -> None:
    caption = widget(lesson, TRAIN)["caption"]
    values, chance = claim(
        r"which of (\d+) values the first float carried \(guessing is right "
        r"(\d+)% of the time\)",
        caption,
    )
    assert RememberFirst(n_values=int(values)).n_classes == int(values) == 100 // int(chance)
    assert "The LSTM starts with its forget gate open (memory bias 3, as above)" in caption
    assert train_widget_config(lesson, "lstm", 10)[0].memory_bias == 3
    short, long = claim(
        r"At (\d+) floats both learn the task; at (\d+) the RNN stays near "
        r"chance and the LSTM still remembers",
        caption,
    )
    assert accuracy_after(*train_widget_config(lesson, "rnn", int(short))) >= 0.95  # 1.00
    assert accuracy_after(*train_widget_config(lesson, "rnn", int(long))) <= 0.35  # 0.30


@pytest.mark.slow
def test_train_caption_the_lstm_learns_both(lesson: Lesson) -> None:
    caption = widget(lesson, TRAIN)["caption"]
    short, long = claim(r"At (\d+) floats both learn the task; at (\d+) the RNN", caption)
    for length in (int(short), int(long)):
        assert accuracy_after(*train_widget_config(lesson, "lstm", length)) >= 0.95  # 1.00, 1.00


# --- the forget bias: initialized, not found by training ------------------------------------


def forget_bias(model: Model) -> float:
    """Return the mean forget-gate bias b_if + b_hf (rows H..2H, PyTorch's i, f, g, o)."""
    H = model.params["weight_hh"].shape[1]
    return float((model.params["bias_ih"][H : 2 * H] + model.params["bias_hh"][H : 2 * H]).mean())


@functools.cache  # the slow test reuses the quick test's run
def train_from_zero_bias(length: int, seed: int, steps: int = 800) -> tuple[float, float, float]:
    """Return (accuracy, forget bias before, after) for the lesson's 8-unit LSTM at bias 0."""
    config = TrainConfig(
        cell="lstm", hidden_size=8, max_steps=steps, log_every=steps, memory_bias=0.0, seed=seed
    )
    task = RememberFirst(length=length)
    init_seed = np.random.SeedSequence(seed).spawn(4)[0]  # as train_steps draws it
    model = init_model(config, task, np.random.default_rng(init_seed))
    before = forget_bias(model)
    return accuracy_after(config, task, model), before, forget_bias(model)


FORGET_CLAIMS = (
    "Train an LSTM with 8 units and a forget bias of 0 for 800 Adam steps",
    "with 10 floats, training opens the forget gate (its bias rises to between +1.1 and +1.7) "
    "and solves the task in 4 or 5 of 6 seeds",
    "with 20 floats, accuracy stays at chance in all 6 seeds, and the forget bias falls, to "
    "between −0.3 and −0.6",
)


def test_a_short_parade_opens_the_forget_gate(lesson: Lesson) -> None:
    text = text_of(lesson, "lstm")
    assert all(c in text for c in FORGET_CLAIMS), "the lesson's claim changed: update this test"
    # Measured 1.00, -0.05 -> +1.37 on one processor and +1.50 on another (float32 training
    # amplifies the last bits BLAS kernels differ in): the lesson's band, not one value.
    acc, before, after = train_from_zero_bias(10, seed=0)
    assert acc >= 0.95 and abs(before) < 0.2 and 1.1 <= after <= 1.7


def test_a_long_parade_sends_no_signal_to_the_forget_gate() -> None:
    # A quick witness of the slow test below: after 200 steps nothing learnt, bias drifting down.
    acc, before, after = train_from_zero_bias(20, seed=0, steps=200)  # 0.22, -0.05 -> -0.11
    assert acc <= 0.35 and after < before


@pytest.mark.slow
def test_forget_gate_claims_over_six_seeds() -> None:
    # Trained as the Train view trains (float32). Measured: L=10 solved by seeds 0, 3, 4, 5
    # (bias +1.40, +1.66, +1.13, +1.32) on one processor, by 5 seeds (+1.14 .. +1.50) on
    # another; L=20 at chance for all, bias -0.32 .. -0.57.
    short = [train_from_zero_bias(10, seed) for seed in range(6)]
    opened = [after for acc, _, after in short if acc >= 0.95]
    assert len(opened) in (4, 5) and all(1.05 <= b <= 1.75 for b in opened)
    for acc, before, after in (train_from_zero_bias(20, seed) for seed in range(6)):
        assert acc <= 0.35 and after < before and -0.65 <= after <= -0.25


# --- keyed numbers, recomputed ---------------------------------------------------------------


def n_params(cell: str, D: int, H: int, *, biases: int = 2) -> int:
    """Return the parameter count of one engine layer (PyTorch's layout), with 0-2 biases."""
    p = init_params(cell, D, H, np.random.default_rng(0))
    bias = p["bias_ih"].size * biases
    return p["weight_ih"].size + p["weight_hh"].size + bias


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_engine_layout_is_pytorchs(cell: str) -> None:
    ref = np.load(PROJECT_ROOT / "tests" / "engine" / "fixtures" / f"{cell}_D3_H4_T5_zero.npz")
    p = init_params(cell, 3, 4, np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {k: ref[k].shape for k in p}


def scalar_rnn(w_ih: float, w_hh: float, xs: list[float]) -> Any:
    params = {
        "weight_ih": np.array([[w_ih]]),
        "weight_hh": np.array([[w_hh]]),
        "bias_ih": np.zeros(1),
        "bias_hh": np.zeros(1),
    }
    return forward("rnn", params, np.array(xs).reshape(-1, 1))


def effect_of_h0(steps: int) -> float:
    """Return |dh_n/dh_0| for a scalar RNN with w_hh = 0.5 at rest (tanh' = 1: the bound)."""
    trace = scalar_rnn(1.0, 0.5, [0.0] * steps)
    dh = np.zeros((steps, 1))
    dh[-1] = 1.0
    return abs(float(backward(trace, dh)["h0"][0]))


def forget_099_cell(steps: int) -> Any:
    """Return the trace of one LSTM unit with f = 0.99, i ~ 0 and c_0 = 1 over `steps` steps."""
    # rows i, f, g, o: sigma(-40) ~ 4e-18 shuts the input gate, sigma(ln 99) = 0.99 exactly
    b = np.array([-40.0, math.log(99.0), 0.0, 0.0])
    params = {
        "weight_ih": np.zeros((4, 1)),
        "weight_hh": np.zeros((4, 1)),
        "bias_ih": b,
        "bias_hh": np.zeros(4),
    }
    return forward("lstm", params, np.zeros((steps, 1)), np.zeros(1), np.ones(1))


def recomputed() -> dict[str, tuple[float, dict[float, float]]]:
    """Return, per numeric question: (the key, {mistake value: what the slip computes}).

    The table below keeps its hand layout (`fmt: skip`): one row per question, each value
    beside the slip that computes it, reads as the table it is."""
    rnn, lstm, gru = (n_params(c, 10, 20) for c in ("rnn", "lstm", "gru"))
    hand = scalar_rnn(0.5, 1.0, [1.0, 1.0])
    bound = {n: effect_of_h0(n) for n in (9, 10)}
    keep = forget_099_cell(100)
    assert keep.c is not None
    return {
        "rnn-param-count": (rnn, {620: n_params("rnn", 10, 20, biases=1),
                                  600: n_params("rnn", 10, 20, biases=0), 240: 20 * 10 + 40}),
        "lstm-param-count": (lstm, {640: rnn, 1920: gru, 2480: n_params("lstm", 10, 20, biases=1),
                                    2400: n_params("lstm", 10, 20, biases=0)}),
        "hand-hidden-state": (float(hand.h[1, 0]), {
            0.4621: float(hand.h[0, 0]),  # h_1 only
            0.9621: float(hand.gates["a"][1, 0]),  # the sum before the last tanh
            0.7616: math.tanh(0.5 + 1.0 * float(hand.gates["a"][0, 0])),  # passed on a_1
        }),
        "gradient-bound": (bound[10], {0.001953125: bound[9], 0.5: effect_of_h0(1)}),
        "forget-gate-099": (float(keep.c[-1, 0]), {0.99: float(keep.c[0, 0]),
                                                   0.01: 1 - float(keep.c[0, 0])}),
        "temperature-prob": (first_token(LOGITS / 0.5), {0.665: first_token(LOGITS),
                                                          0.506: first_token(LOGITS * 0.5)}),
        "perplexity": (math.exp(TRUE_CE), {4: float(np.mean(1 / TRUE_P)), 1.213: TRUE_CE,
                                           1.75: TRUE_CE / math.log(2)}),
    }  # fmt: skip


# Lesson 4: scores (2, 1, 0) read at a temperature, and four true tokens' probabilities.
LOGITS = np.array([2.0, 1.0, 0.0])
TRUE_P = np.array([0.5, 0.25, 0.5, 0.125])
# mean cross-entropy of the true tokens, through the engine's own log_softmax of log-probabilities
TRUE_CE = float(-np.mean([log_softmax(np.log(np.array([p, 1 - p])))[0] for p in TRUE_P]))


def first_token(logits: Any) -> float:
    """Return the probability the engine's softmax gives the first of `logits`."""
    return float(softmax(logits)[0])


@pytest.mark.parametrize(("temperature", "row"), [(0.5, (0.867, 0.117, 0.016)),
                                                  (1.0, (0.665, 0.245, 0.090)),
                                                  (2.0, (0.506, 0.307, 0.186))])  # fmt: skip
def test_temperature_table_is_what_the_engine_computes(
    temperature: float, row: tuple[float, ...]
) -> None:
    assert np.allclose(softmax(LOGITS / temperature), row, atol=0.0006)


@pytest.mark.parametrize("qid", sorted(recomputed()))
def test_numeric_keys_are_what_the_engine_computes(lesson: Lesson, qid: str) -> None:
    question = lesson.question(qid)
    assert isinstance(question, NumericQuestion)
    key, slips = recomputed()[qid]
    assert abs(question.answer - key) <= max(question.tolerance, 1e-12), (question.answer, key)
    mistakes = {m.value: m for m in question.mistakes}
    for value, computed in slips.items():
        assert value in mistakes and abs(value - computed) <= max(question.tolerance, 5e-5)


def every_numeric(lesson: Lesson) -> list[NumericQuestion]:
    return [q for q in lesson.questions if isinstance(q, NumericQuestion)]


def test_every_numeric_question_is_recomputed(lesson: Lesson) -> None:
    assert {q.id for q in every_numeric(lesson)} == set(recomputed())


def attempt(client: TestClient, qid: str, answer: object) -> dict[str, Any]:
    """Return the grade of `answer` as a first try: each call answers as a new guest."""
    client.cookies.delete("parade_guest")
    r = client.post(
        f"/api/lessons/{slug_of(qid)}/quiz/{qid}/attempts",
        json={"answer": answer},
        headers=csrf(client),
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_numeric_keys_are_graded_right_and_each_slip_names_itself(
    lesson: Lesson, client: TestClient
) -> None:
    for question in every_numeric(lesson):
        key = recomputed()[question.id][0]
        assert attempt(client, question.id, f"{key:.6g}")["correct"], question.id
        for m in question.mistakes:
            graded = attempt(client, question.id, f"{m.value:g}")
            assert not graded["correct"], (question.id, m.value)
            assert graded["misconceptions"] == ([m.misconception] if m.misconception else [])


def test_the_update_gate_is_accepted_however_it_is_named(client: TestClient) -> None:
    right = [
        "Update gate z",
        "the update gate (z)",
        "update gate (z_t)",
        "Z",
        "update gate.",
        "z_t",
        "The update gate z",
        "z (update gate)",
    ]
    wrong = ["reset gate", "r", "the reset gate (r)", "forget gate", "n"]
    assert [a for a in right if not attempt(client, "gru-update-gate", a)["correct"]] == []
    assert [a for a in wrong if attempt(client, "gru-update-gate", a)["correct"]] == []


def test_forget_099_accepts_two_decimals_either_way(client: TestClient) -> None:
    # "at least two decimals": truncating (0.36) and rounding (0.37) 0.99^100 are both right
    for given in ("0.36", "0.37", "0.366", f"{math.exp(-1):.4f}"):
        assert attempt(client, "forget-gate-099", given)["correct"], given
    assert not attempt(client, "forget-gate-099", "0.35")["correct"]
