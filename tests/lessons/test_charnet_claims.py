"""Every number the generation lesson states about its shipped network, recomputed from the
network itself: the corpus size, the held-out loss and perplexity, which unit tracks what and
how strongly (r on the held-out text), what no unit tracks, and the widget's own example."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from bs4 import BeautifulSoup

from app.config import PROJECT_ROOT
from app.content.folder import load_folder
from app.content.model import Section
from app.lab.charnet import hidden_states, text_loss
from app.lab.corpus import FEATURES, best_units, correlations, split_corpus
from app.lab.shipped import load_shipped, network_path

LESSONS = PROJECT_ROOT / "lessons"
MINUS = "\u2212"


@pytest.fixture(scope="module")
def section() -> Section:
    lesson = load_folder(LESSONS / "rnn-generation")
    return next(s for s in lesson.sections if s.id == "one-unit")


@pytest.fixture(scope="module")
def widget(section: Section) -> dict[str, object]:
    soup = BeautifulSoup(section.html, "html.parser")
    [div] = soup.select('div.widget[data-widget="unit-activations"]')
    config: dict[str, object] = json.loads(str(div["data-config"]))
    return config


@pytest.fixture(scope="module")
def heldout(widget: dict[str, object]) -> str:
    corpus_file = network_path(LESSONS, str(widget["network"])).parent / "corpus.txt"
    return split_corpus(corpus_file.read_text(encoding="utf-8").rstrip("\n"))[1]


def number(text: str, pattern: str) -> float:
    """Return the number the pattern's group captures (a typographic minus read as -)."""
    m = re.search(pattern, text)
    assert m, f"the lesson no longer says {pattern!r}"
    return float(m.group(1).replace(MINUS, "-").replace(",", ""))


def test_the_stated_size_loss_and_perplexity(
    section: Section, widget: dict[str, object], heldout: str
) -> None:
    net = load_shipped(LESSONS, str(widget["network"]))
    text = section.text
    assert net.hidden_size == number(text, r"an LSTM with (\d+) hidden units")
    assert net.info["corpus"]["chars"] == number(text, r"dilemmas: ([\d,]+) characters")
    loss = text_loss(net.params, heldout)
    assert loss == pytest.approx(number(text, r"scores (\d\.\d+) nats per character"), abs=0.005)
    assert math.exp(loss) == pytest.approx(number(text, r"a perplexity of (\d+\.\d)"), abs=0.05)
    assert round(math.exp(loss)) == number(text, r"a choice among (\d+) characters")


def test_the_unit_tracks_what_the_lesson_says_as_strongly_as_it_says(
    section: Section, widget: dict[str, object], heldout: str
) -> None:
    net = load_shipped(LESSONS, str(widget["network"]))
    unit = int(number(section.text, r"Unit (\d+) goes with"))
    assert widget.get("unit") in (None, unit)  # the widget shows that unit first
    assert net.info["unit"]["unit"] == unit and net.info["unit"]["feature"] == "word_position"
    h = hidden_states(net.params, heldout)  # (T, H)
    r = correlations(h, FEATURES["word_position"][1](heldout))  # (H,)
    stated = number(section.text, r"how far into a word the network is: r = ([−-]?\d\.\d\d)")
    assert r[unit] == pytest.approx(stated, abs=0.005)
    assert int(np.abs(r).argmax()) == unit  # no other unit tracks it better

    # "highest on a word's first letter (0.72 on average) ... about −0.27 by the fifth"
    position = FEATURES["word_position"][1](heldout)  # (T,)
    h_j = h[:, unit]
    mean_at = [float(h_j[position == k].mean()) for k in range(6)]
    first = number(section.text, r"first letter \((\d\.\d\d) on average")
    assert mean_at[1] == pytest.approx(first, abs=0.005) and mean_at[1] == max(mean_at)
    fifth = number(section.text, r"about ([−-]\d\.\d\d) by the fifth")
    assert mean_at[5] == pytest.approx(fifth, abs=0.005)
    falls = zip(mean_at[1:5], mean_at[2:6], strict=True)
    assert all(a > b for a, b in falls)  # lower on each letter after the first
    # "among letters alone, r = −0.61": more than telling spaces from letters
    letters = position > 0
    alone = np.corrcoef(h_j[letters], position[letters])[0, 1]
    assert alone == pytest.approx(
        number(section.text, r"among letters alone, r = ([−-]\d\.\d\d)"), abs=0.005
    )

    # the section check asks about the same unit and number
    question = load_folder(LESSONS / "rnn-generation").question("unit-correlation")
    assert question is not None
    assert (
        f"unit {unit} " in question.prompt
        and f"r = {stated:.2f}".replace("-", MINUS) in question.prompt
    )
    assert f"{abs(stated) * 100:.0f} %" in " ".join(o.text for o in question.options)  # type: ignore[attr-defined]


def test_what_no_unit_tracks(section: Section, widget: dict[str, object], heldout: str) -> None:
    net = load_shipped(LESSONS, str(widget["network"]))
    h = hidden_states(net.params, heldout)
    best = best_units(h, heldout, ["in_parens"])["in_parens"]
    stated = number(
        section.text, r"No unit follows parentheses: the best reaches r = ([−-]?\d\.\d\d)"
    )
    assert best["r"] == pytest.approx(stated, abs=0.005)
    assert abs(best["r"]) < 0.3  # "no unit follows" them
    corpus = (network_path(LESSONS, str(widget["network"])).parent / "corpus.txt").read_text()
    pairs = number(section.text, r"too rare to tell \((\d+) pairs")
    assert corpus.count('"') == 2 * pairs and '"' not in heldout


def test_on_the_widgets_own_text_the_unit_still_tracks_word_position(
    widget: dict[str, object],
) -> None:
    """What the student sees first: the same relation, live, on a sentence it never read."""
    net = load_shipped(LESSONS, str(widget["network"]))
    text = str(widget["text"])
    unit = net.info["unit"]["unit"]
    r = correlations(hidden_states(net.params, text), FEATURES["word_position"][1](text))
    assert np.sign(r[unit]) == np.sign(net.info["unit"]["r"]) and abs(r[unit]) > 0.4
