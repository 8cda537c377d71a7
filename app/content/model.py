"""The loaded, validated lesson: what the rest of the app works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.content.schema import Dilemma, Question

SectionKind = Literal["content", "quiz", "dilemmas"]

# Where a section check (a `check` fence) sits in a section's HTML; the page puts the
# check's questions there. Only the loader writes it, as the fence's whole output.
CHECK_MARK = "<!--parade-check-->"


@dataclass(frozen=True)
class Check:
    """A short check placed after a passage: quiz questions shown at that place."""

    questions: tuple[str, ...]  # question ids from quiz.yaml, in the order shown
    line: int  # line of the fence in lesson.md


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    html: str  # sanitized HTML of the section body (without its heading)
    line: int  # line of the heading in its file
    kind: SectionKind = "content"
    text: str = ""  # plain text, for Listen and search
    checks: tuple[Check, ...] = ()  # in the order their marks appear in `html`

    @property
    def empty(self) -> bool:
        return not self.html.strip()


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    order: int
    sections: tuple[Section, ...]
    questions: tuple[Question, ...] = ()
    dilemmas: tuple[Dilemma, ...] = ()
    narrated: tuple[str, ...] = ()
    invitation: str = ""  # a call to action under the title (a seed's LESSON line)
    order_line: int | None = None  # line of `order:` in lesson.md; None when not written
    source: Path = Path()
    files: tuple[Path, ...] = field(default=())  # every file it was built from

    @property
    def checked(self) -> frozenset[str]:
        """Return the ids of the questions shown in section checks (not in the end quiz)."""
        return frozenset(q for s in self.sections for c in s.checks for q in c.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def dilemma(self, dilemma_id: str) -> Dilemma | None:
        return next((d for d in self.dilemmas if d.id == dilemma_id), None)
