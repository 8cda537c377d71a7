"""The template context of each page: a small typed object, asserted by tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from app.content.errors import LessonProblem
from app.dilemmas.responses import DilemmaOut, DilemmaResultOut
from app.instructor.stats import LessonStatsOut
from app.lessons.views import LessonOut, LessonStateOut, LessonSummaryOut
from app.quiz.results import AttemptOut, LessonProgressOut, QuestionStatusOut
from app.quiz.views import QuestionOut


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
    state: LessonStateOut | None = None  # a logged-in student's answers so far; None for guests


@dataclass(frozen=True)
class StatusPage:
    lesson_count: int
    problems: list[Problem]


# --- accounts and scores ----------------------------------------------------------------------


@dataclass(frozen=True)
class AuthPage:
    """The login or register form, refilled after a mistake."""

    mode: Literal["login", "register", "logout"]
    next: str = "/"
    username: str = ""
    error: str = ""
    problems: tuple[str, ...] = ()  # when registering: every problem at once, one per line


@dataclass(frozen=True)
class AttemptPage:
    """The result of answering one question through the HTML form (no JavaScript), and the
    question as it now stands (the fragment that quiz.js swaps in shows the same)."""

    lesson_slug: str
    lesson_title: str
    question: QuestionOut
    number: int  # the question's position in the quiz, from 1
    result: AttemptOut | None
    status: QuestionStatusOut | None = None  # where the answerer now stands
    error: str = ""  # why the answer could not be graded (no try was used)
    can_retry: bool = True  # whether the form is shown again

    def answered(self, result: AttemptOut, status: QuestionStatusOut) -> AttemptPage:
        return replace(self, result=result, status=status, can_retry=not result.finished)

    def refused(self, error: str, *, can_retry: bool) -> AttemptPage:
        return replace(self, error=error, can_retry=can_retry)


@dataclass(frozen=True)
class DilemmaPage:
    lesson_slug: str
    lesson_title: str
    dilemma: DilemmaOut
    result: DilemmaResultOut


@dataclass(frozen=True)
class ProgressPage:
    lessons: list[LessonProgressOut]


@dataclass(frozen=True)
class InstructorPage:
    lessons: list[LessonStatsOut]
    problems: list[Problem]
