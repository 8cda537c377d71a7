"""The shipped network's corpus and what a student can see in it.

The corpus is the course's own lesson text (MIT, ours): each lesson's spoken summary and
sections as Listen reads them (no code, maths or markup) and the prose of its quiz and
dilemmas, lowercased and mapped onto the stepper's vocabulary. Features are numbers per
character that a reader can see in the text (inside quotes, inside parentheses, how far into
a word...); a unit "tracks" a feature when its activation correlates with it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from app.content.folder import DILEMMAS_FILE, QUIZ_FILE
from app.content.store import LessonStore
from app.lab.traces import CHAR_INDEX

HELDOUT_SHARE = 0.1  # the last 10 % of the corpus is never trained on
# Typography the lessons use, written the way the vocabulary can say it.
_SUBSTITUTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00d7": "x",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "/": " ",
    "&": "and",
    "%": " percent",
    "\n": " ",
}
_SPACES = re.compile(r" {2,}")
SHOWS_NETWORK = 'data-widget="unit-activations"'


def to_vocab(text: str) -> str:
    """Return `text` lowercased and mapped onto VOCAB: accents dropped, typographic quotes and
    dashes made plain, any other character outside the vocabulary made a space, runs of
    spaces made one."""
    out = []
    for ch in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(ch):
            continue
        ch = _SUBSTITUTES.get(ch, ch)
        out.append(ch if all(c in CHAR_INDEX for c in ch) else " ")
    return _SPACES.sub(" ", "".join(out)).strip()


def _prose(data: object) -> list[str]:
    """Return the sentences among a YAML document's strings (ids and kinds have no spaces)."""
    if isinstance(data, str):
        return [data] if data.count(" ") >= 3 else []
    if isinstance(data, dict):
        return [s for v in data.values() for s in _prose(v)]
    if isinstance(data, list):
        return [s for v in data for s in _prose(v)]
    return []


def lesson_texts(lessons_dir: Path) -> list[str]:
    """Return the readable text of every lesson in course order: its sections as Listen reads
    them (no code, maths or markup), then the prose of its quiz and dilemmas.

    A section that shows a shipped network (a unit-activations widget) is left out, with the
    questions it asks: the text that reports what the network learned must not be what it
    learned from, or every measurement written into it would change the network.
    """
    snapshot = LessonStore(lessons_dir).reload()
    texts = []
    for lesson in snapshot.ordered():
        about = [s for s in lesson.sections if SHOWS_NETWORK in s.html]
        skipped = {q for s in about for c in s.checks for q in c.questions}
        parts = [s.text for s in lesson.sections if s not in about]
        for name in (QUIZ_FILE, DILEMMAS_FILE):
            path = lessons_dir / lesson.slug / name
            if path.is_file():
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and isinstance(data.get("questions"), list):
                    data["questions"] = [
                        q
                        for q in data["questions"]
                        if not (isinstance(q, dict) and q.get("id") in skipped)
                    ]
                parts += _prose(data)
        texts.append(" ".join(parts))
    return texts


def build_corpus(lessons_dir: Path) -> str:
    """Return the corpus: every lesson's text in course order, in the stepper's vocabulary."""
    return " ".join(to_vocab(t) for t in lesson_texts(lessons_dir))


def split_corpus(corpus: str) -> tuple[str, str]:
    """Return (training text, held-out text): the held-out part is the last 10 %."""
    cut = len(corpus) - int(len(corpus) * HELDOUT_SHARE)
    return corpus[:cut], corpus[cut:]


def sha256(text: str) -> str:
    """Return the SHA-256 (hex) of `text` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode(text: str) -> np.ndarray:
    """Return the vocabulary ids (T,) of `text` (every character must be in VOCAB)."""
    return np.array([CHAR_INDEX[ch] for ch in text], dtype=np.int64)


# --- features: one number per character, read after the network has read that character -----


def in_quotes(text: str) -> np.ndarray:
    """Return 1 where the text is inside double quotes (the opening quote counts, the closing
    one does not), else 0."""
    out = np.zeros(len(text))
    inside = False
    for t, ch in enumerate(text):
        if ch == '"':
            inside = not inside
        out[t] = inside
    return out


def in_parens(text: str) -> np.ndarray:
    """Return 1 where the text is inside parentheses (the "(" counts, the ")" does not)."""
    out = np.zeros(len(text))
    depth = 0
    for t, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        out[t] = depth > 0
    return out


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "'"


def word_position(text: str) -> np.ndarray:
    """Return each character's place in its word, 1 for a word's first letter (letters, digits
    and apostrophes make words), 0 for anything else."""
    out = np.zeros(len(text))
    n = 0
    for t, ch in enumerate(text):
        n = n + 1 if _is_word(ch) else 0
        out[t] = n
    return out


def sentence_position(text: str) -> np.ndarray:
    """Return how many characters have been read since the last ".", "!" or "?" (0 on it)."""
    out = np.zeros(len(text))
    n = 0
    for t, ch in enumerate(text):
        n = 0 if ch in ".!?" else n + 1
        out[t] = n
    return out


def after_period(text: str) -> np.ndarray:
    """Return 1 on a "." and on the spaces right after it (until the next word), else 0."""
    out = np.zeros(len(text))
    on = False
    for t, ch in enumerate(text):
        if ch == ".":
            on = True
        elif ch != " ":
            on = False
        out[t] = on
    return out


# name -> (what a student sees, the function)
FEATURES: dict[str, tuple[str, Callable[[str], np.ndarray]]] = {
    "word_position": ("how far into a word it is", word_position),
    "in_quotes": ("inside double quotes", in_quotes),
    "in_parens": ("inside parentheses", in_parens),
    "sentence_position": ("how far into a sentence it is", sentence_position),
    "after_period": ("just after a full stop", after_period),
}


def correlations(h: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Return Pearson's r between each unit's activation and the feature, shape (H,).

    h is (T, H), feature (T,). r_j = cov(h_j, f) / (std(h_j) std(f)); a unit or a feature
    that never changes correlates with nothing: r = 0 there.
    """
    hc = h - h.mean(axis=0)  # (T, H)
    fc = feature - feature.mean()  # (T,)
    cov = fc @ hc  # (H,) T times the covariance
    scale = np.sqrt((hc**2).sum(axis=0) * (fc**2).sum())  # (H,)
    r: np.ndarray = np.divide(cov, scale, out=np.zeros_like(cov), where=scale > 0)
    return r


def best_units(
    h: np.ndarray, text: str, names: Iterable[str] = FEATURES
) -> dict[str, dict[str, Any]]:
    """Return, per feature, the unit whose activation correlates most strongly with it (by |r|)
    and that r."""
    found: dict[str, dict[str, Any]] = {}
    for name in names:
        r = correlations(h, FEATURES[name][1](text))
        j = int(np.abs(r).argmax())
        found[name] = {"unit": j, "r": round(float(r[j]), 6), "shows": FEATURES[name][0]}
    return found
