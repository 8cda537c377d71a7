"""The template context of each page: a small typed object, asserted by tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.content.errors import LessonProblem
from app.views import LessonOut, LessonSummaryOut


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    @classmethod
    def of(cls, problem: LessonProblem, lessons_dir: Path) -> Problem:
        """Return the problem with its path shown from the lessons folder's parent."""
        base = lessons_dir.resolve().parent
        path = problem.path.resolve()
        shown = path.relative_to(base) if path.is_relative_to(base) else path
        return cls(file=str(shown), line=problem.line, message=problem.message)


@dataclass(frozen=True)
class IndexPage:
    lessons: list[LessonSummaryOut]
    problem_count: int


@dataclass(frozen=True)
class LessonPage:
    lesson: LessonOut
    problems: list[Problem] = field(default_factory=list)  # shown to instructors only
    answering: bool = False  # whether quiz and dilemma forms can be submitted


@dataclass(frozen=True)
class StatusPage:
    lesson_count: int
    problems: list[Problem]


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str
