"""The shipped character network: its corpus, the features a unit may track, `parade train`
(byte-identical files from the same command) and what `parade check` says about broken files."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from app.cli import app
from app.lab.charnet import KEYS, npz_bytes, text_loss
from app.lab.corpus import (
    FEATURES,
    after_period,
    best_units,
    build_corpus,
    correlations,
    in_parens,
    in_quotes,
    sentence_position,
    split_corpus,
    to_vocab,
    word_position,
)
from app.lab.shipped import check_networks, network_problems
from app.lab.traces import CHAR_INDEX

runner = CliRunner()
TEXT = (
    'the parade goes by (one float at a time). a "hidden state" keeps what it saw. '
    "the early floats fade (slowly, then fast); the gates decide what stays. "
) * 14  # about 2000 characters: 90 % to train on, 10 % held out


def test_to_vocab_maps_typography_and_drops_what_the_stepper_cannot_read() -> None:
    text = "\u201cCaf\u00e9\u201d \u2014 it\u2019s 50% [ok]\u2026 a/b & c\nnext  line \u2211"
    assert to_vocab(text) == '"cafe" - it\'s 50 percent (ok)... a b and c next line'
    assert all(ch in CHAR_INDEX for ch in to_vocab(text))


def test_the_corpus_is_the_course_text_in_the_stepper_vocabulary(lessons_dir: Path) -> None:
    corpus = build_corpus(lessons_dir)
    assert len(corpus) > 50_000
    assert set(corpus) <= set(CHAR_INDEX) and "  " not in corpus
    assert "a recurrent neural network" in corpus  # the first lesson's own words
    assert "$" not in corpus and "\\" not in corpus  # no maths, no LaTeX
    train, heldout = split_corpus(corpus)
    assert train + heldout == corpus and len(heldout) == len(corpus) // 10


def test_the_section_about_the_network_is_not_trained_on(lessons_dir: Path) -> None:
    lesson = lessons_dir / "rnn-generation" / "lesson.md"
    before = build_corpus(lessons_dir)
    text = lesson.read_text(encoding="utf-8")
    section = (
        "\n## Looking at the network {#looked-at}\n\nThe zebra unit quivers.\n\n"
        "```unit-activations\nnetwork: rnn-generation/char-lstm\n```\n"
    )
    lesson.write_text(
        text.replace("\n## Check your understanding", section + "\n## Check your understanding"),
        encoding="utf-8",
    )
    assert build_corpus(lessons_dir) == before


def test_features_on_a_hand_made_text() -> None:
    text = 'ab (c "d") e. f'
    #        a  b     (  c     "  d  "  )     e  .     f
    assert list(word_position(text)) == [1, 2, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]
    assert list(in_parens(text)) == [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert list(in_quotes(text)) == [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert list(after_period(text)) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert list(sentence_position(text))[-4:] == [12, 0, 1, 2]


def test_correlations_are_pearsons_r_per_unit() -> None:
    f = word_position("the parade of floats goes by")
    rng = np.random.default_rng(0)
    noise = rng.normal(size=len(f))
    h = np.stack([f, -2 * f + 1, np.full(len(f), 0.3), noise], axis=1)  # (T, 4)
    r = correlations(h, f)
    np.testing.assert_allclose(r[:2], [1.0, -1.0], atol=1e-12)
    assert abs(r[2]) < 1e-12  # a unit that never moves tracks nothing
    assert r[3] == pytest.approx(np.corrcoef(noise, f)[0, 1], abs=1e-12)
    best = best_units(h, "the parade of floats goes by", ["word_position"])
    assert best["word_position"]["unit"] in (0, 1) and abs(best["word_position"]["r"]) == 1


def train_tiny(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.txt").write_text(TEXT + "\n", encoding="utf-8")
    args = ["train", "--out", str(folder), "--from-corpus", "--steps", "3", "--hidden-size", "4"]
    result = runner.invoke(app, [*args, "--seed", "0", "--seed", "1"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_parade_train_writes_the_same_bytes_twice(tmp_path: Path) -> None:
    out = train_tiny(tmp_path / "a")
    train_tiny(tmp_path / "b")
    for name in ("corpus.txt", "char-lstm.npz", "char-lstm.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    info = json.loads((tmp_path / "a" / "char-lstm.json").read_text())
    assert [s["seed"] for s in info["seeds"]] == [0, 1]
    best = min(info["seeds"], key=lambda s: s["heldout_loss"])
    assert info["seed"] == best["seed"]
    assert info["unit"]["feature"] in FEATURES and "kept seed" in out and " s\n" in out
    with np.load(tmp_path / "a" / "char-lstm.npz") as npz:
        assert sorted(npz.files) == sorted(KEYS)
        assert all(npz[k].dtype == np.float32 for k in KEYS)
        params = {k: npz[k] for k in KEYS}
    # the recorded probe is the loss of these very weights on the held-out text
    heldout = TEXT[info["corpus"]["heldout_start"] :]
    assert info["probe"]["loss"] == pytest.approx(text_loss(params, heldout), abs=1e-6)
    assert network_problems(tmp_path / "a" / "char-lstm.npz") == []


def test_npz_bytes_carry_no_clock() -> None:
    params = {k: np.ones(3, dtype=np.float32) for k in KEYS}
    blob = npz_bytes(params)
    assert blob == npz_bytes(params)
    tmp = zipfile.ZipFile(__import__("io").BytesIO(blob))
    assert {i.date_time for i in tmp.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.fixture
def shipped(tmp_path: Path, make_lesson: Callable[..., Path]) -> Path:
    """A lessons folder holding one small lesson with one tiny trained network."""
    train_tiny(make_lesson(name="demo") / "networks")
    return tmp_path / "lessons"


def check(lessons: Path) -> list[str]:
    result = runner.invoke(app, ["check", str(lessons)])
    assert result.exit_code == 1, result.output
    return result.stdout.splitlines()


def rewrite(npz: Path, **arrays: np.ndarray) -> None:
    with np.load(npz) as f:
        params = {k: f[k] for k in KEYS}
    npz.write_bytes(npz_bytes({**params, **arrays}))


def test_check_passes_a_good_network_and_names_a_broken_one(shipped: Path) -> None:
    assert check_networks(shipped) == []
    npz = shipped / "demo" / "networks" / "char-lstm.npz"
    w = np.load(npz)["weight_hh"].copy()
    w[0, 0] = np.nan
    rewrite(npz, weight_hh=w)
    assert check(shipped) == [f"{npz}: weight_hh holds NaN or infinite numbers"]
    rewrite(npz, weight_hh=np.zeros((3, 3), dtype=np.float32))
    assert check(shipped) == [f"{npz}: weight_hh has shape (3, 3), expected (16, 4)"]


def test_check_runs_the_probe(shipped: Path) -> None:
    folder = shipped / "demo" / "networks"
    npz, desc = folder / "char-lstm.npz", folder / "char-lstm.json"
    good = npz.read_bytes()
    w = np.load(npz)["bias_y"].copy()
    rewrite(npz, bias_y=w + np.float32(0.5) * (np.arange(len(w)) % 2))  # shifts the loss
    [line] = check(shipped)
    assert line.startswith(f"{npz}: held-out loss is ") and "the weights changed" in line
    npz.write_bytes(good)
    info = json.loads(desc.read_text())
    info["unit"]["r"] += 0.5
    desc.write_text(json.dumps(info))
    [line] = check(shipped)
    assert line.startswith(f"{npz}: unit {info['unit']['unit']}'s correlation with ")
    info["vocab"] = "abc"
    desc.write_text(json.dumps(info))
    assert check(shipped) == [f"{npz}: its vocabulary is not the stepper's: train it again"]


def test_check_names_a_changed_corpus_a_missing_half_and_a_large_file(shipped: Path) -> None:
    folder = shipped / "demo" / "networks"
    npz = folder / "char-lstm.npz"
    corpus = folder / "corpus.txt"
    corpus.write_text("another text\n")
    assert check(shipped) == [
        f"{npz}: corpus.txt is not the text it was trained on (its SHA-256 differs)"
    ]
    shutil.copy(npz, folder / "other.npz")
    (folder / "char-lstm.json").unlink()
    lines = check(shipped)
    assert f"{npz}: char-lstm.json is missing: it describes the network" in lines
    npz.write_bytes(b"\0" * 300_000)
    assert f"{npz}: the file is 300000 bytes; at most 262144 are allowed" in check(shipped)
