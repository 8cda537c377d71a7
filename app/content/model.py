"""The loaded, validated lesson: what the rest of the app works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.content.schema import Dilemma, Question

SectionKind = Literal["content", "quiz", "dilemmas"]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    html: str  # sanitized HTML of the section body (without its heading)
    line: int  # line of the heading in its file
    kind: SectionKind = "content"
    text: str = ""  # plain text, for Listen and search

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
    source: Path = Path()
    files: tuple[Path, ...] = field(default=())  # every file it was built from

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def dilemma(self, dilemma_id: str) -> Dilemma | None:
        return next((d for d in self.dilemmas if d.id == dilemma_id), None)
