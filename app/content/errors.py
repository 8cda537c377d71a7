"""Problems found in lesson files, each pointing at a file and a line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class LessonProblem:
    """One problem in one lesson file; prints as `path:line: message`."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LessonFileError(Exception):
    """Raised by the loaders; carries every problem found, not only the first."""

    def __init__(self, problems: list[LessonProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
