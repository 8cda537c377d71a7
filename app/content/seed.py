"""The plain-text seed format: header lines start sections, `Label: text` lines are items.

A seed file is turned into lesson.md text (front matter + `##` sections), which is then loaded
like any other lesson, so a seed in `lessons/` and its `parade import-seed` output match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.content.errors import LessonFileError, LessonProblem
from app.content.lesson_md import parse_lesson_md, slugify
from app.content.model import Lesson
from app.content.yamlsrc import read_text

HEADERS = frozenset(
    {"lesson", "answer", "quiz", "analogy", "dilemmas"}
)  # lines that start a section
TITLES = {"answer": "The answer", "quiz": "Quiz", "analogy": "The analogy", "dilemmas": "Dilemmas"}
_ITEM = re.compile(r"^(?P<label>[^:]{1,60}):\s+(?P<text>\S.*)$")
_MAX_HEADING_WORDS = 8
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")


@dataclass
class SeedSection:
    id: str
    title: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [escape(p) for p in self.paragraphs]
        if self.items:
            parts.append("\n".join(f"- **{escape(k)}**: {escape(v)}" for k, v in self.items))
        if self.paragraphs and self.paragraphs[-1].endswith(":") and not self.items:
            parts.append("*More on this is coming soon.*")
        return "\n\n".join(parts)


def escape(text: str) -> str:
    """Return plain text with Markdown's special characters escaped."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\s*)([#+\-]|\d+\.)(\s)", r"\1\\\2\3", text)


def _is_subheading(line: str) -> bool:
    return line.endswith(":") and ": " not in line and len(line.split()) <= _MAX_HEADING_WORDS


@dataclass
class Seed:
    title: str
    summary: str
    narrated: bool
    sections: list[SeedSection]
    invitation: str = ""  # the LESSON line(s), e.g. "Listen to the answer"


def parse_seed(text: str, path: Path) -> Seed:
    """Return the seed's sections; empty sections are kept (shown as coming soon)."""
    if not text.strip():
        raise LessonFileError([LessonProblem(path, 1, "file is empty")])
    sections: list[SeedSection] = []
    lesson_lines: list[str] = []
    current: SeedSection | None = None
    kind: str | None = None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = line.lower() if line.lower() in HEADERS else None
        if header:
            kind = header
            if header != "lesson":
                current = SeedSection(header, TITLES[header], n)
                sections.append(current)
            continue
        if not line:
            continue
        if kind is None:
            msg = "text before the first section header (LESSON, ANSWER, Quiz, Analogy, Dilemmas)"
            raise LessonFileError([LessonProblem(path, n, msg)])
        if kind == "lesson" or current is None:
            lesson_lines.append(line)
        elif kind == "answer" and _is_subheading(line):
            title = line[:-1].strip()
            current = SeedSection(slugify(title), title, n)
            sections.append(current)
        elif kind == "answer" and (m := _ITEM.match(line)) and current.id != "answer":
            current.items.append((m["label"].strip(), m["text"].strip()))
        else:
            current.paragraphs.append(line)
    if not sections:
        msg = "no sections found: a seed needs header lines such as ANSWER and Analogy"
        raise LessonFileError([LessonProblem(path, 1, msg)])
    _dedupe_ids(sections)
    answer = next((s for s in sections if s.id == "answer" and s.paragraphs), None)
    summary = re.split(r"(?<=[.!?])\s", answer.paragraphs[0])[0] if answer else ""
    narrated = any("listen" in line.lower() for line in lesson_lines)
    invitation = " ".join(lesson_lines)
    invitation = invitation[:1].upper() + invitation[1:200]
    return Seed(_title_from(path), summary[:500], narrated, sections, invitation)


def _dedupe_ids(sections: list[SeedSection]) -> None:
    seen: set[str] = set()
    for s in sections:
        base, n = s.id, 2
        while s.id in seen:
            s.id, n = f"{base}-{n}", n + 1
        seen.add(s.id)


def _title_from(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).split()
    title = " ".join(w.upper() if w.lower() in _ACRONYMS else w.capitalize() for w in words)
    return title or "Untitled lesson"


_ACRONYMS = {"rnn", "rnns", "lstm", "gru", "cnn", "nlp", "ai", "ml"}


def seed_to_markdown(seed: Seed, slug: str) -> str:
    """Return lesson.md text (front matter and sections) equivalent to the seed."""
    narrated = [s.id for s in seed.sections if s.id == "answer"] if seed.narrated else []
    front = [
        "---",
        f"title: {_yaml_str(seed.title)}",
        f"slug: {slug}",
        f"summary: {_yaml_str(seed.summary)}",
        *([f"invitation: {_yaml_str(seed.invitation)}"] if seed.invitation else []),
        f"narrated: [{', '.join(narrated)}]",
        "---",
        "",
    ]
    body = []
    for s in seed.sections:
        body.append(f"## {s.title} {{#{s.id}}}\n")
        md = s.markdown()
        body.append(f"{md}\n" if md else "")
    return "\n".join(front) + "\n".join(body)


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def seed_slug(path: Path) -> str:
    return slugify(path.stem)


def load_seed(path: Path) -> Lesson:
    """Return the lesson in a seed-format text file."""
    seed = parse_seed(read_text(path), path)
    front, sections = parse_lesson_md(seed_to_markdown(seed, seed_slug(path)), path)
    return Lesson(
        slug=front.slug,
        title=front.title,
        summary=front.summary,
        order=front.order,
        sections=tuple(sections),
        narrated=tuple(front.narrated),
        invitation=front.invitation,
        source=path,
        files=(path,),
    )
