"""The template context of each page: a small typed object, asserted by tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from app.content.errors import LessonProblem
from app.dilemmas.responses import DilemmaOut, DilemmaResultOut
from app.instructor.course import CourseRowOut
from app.instructor.coursebook import CourseRow
from app.instructor.discussion import DilemmaDiscussionOut
from app.instructor.gradebook import SortKey, SortOrder, StudentRow
from app.instructor.items import ItemAnalysisOut
from app.instructor.records import StudentRecord
from app.instructor.stats import LessonStatsOut
from app.lessons.course import CourseLessonOut, CourseNavOut
from app.lessons.views import LessonOut, LessonStateOut
from app.quiz.confidence import CalibrationLevelOut
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
    """The course page: every lesson in order, with the student's progress (none for guests)."""

    lessons: list[CourseLessonOut]
    problem_count: int


@dataclass(frozen=True)
class LessonPage:
    lesson: LessonOut
    problems: list[Problem] = field(default_factory=list)  # shown to instructors only
    answering: bool = False  # whether quiz and dilemma forms can be submitted
    state: LessonStateOut | None = None  # a logged-in student's answers so far; None for guests
    course: CourseNavOut | None = None  # "Lesson n of N" and the neighbours' links


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
class IssuedCode:
    """A reset code just issued, shown to the instructor this once (only its hash is kept)."""

    username: str
    code: str
    expires: str  # when it stops working, in UTC, as shown


@dataclass(frozen=True)
class AccountPage:
    """Your account: change password, log out everywhere, and for instructors reset codes."""

    error: str = ""  # about the password form
    notice: str = ""
    code_error: str = ""  # about the reset-code form
    issued: IssuedCode | None = None


@dataclass(frozen=True)
class ResetPage:
    """Setting a new password with a code from the instructor."""

    username: str = ""
    error: str = ""
    done: bool = False


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
    course: list[CourseLessonOut]  # every lesson of the course, in order
    lessons: list[LessonProgressOut]
    calibration: list[CalibrationLevelOut]  # one per confidence level used, surest first


@dataclass(frozen=True)
class InstructorPage:
    lessons: list[LessonStatsOut]
    problems: list[Problem]
    course: list[CourseRowOut] = field(default_factory=list)  # one row per lesson, in order


@dataclass(frozen=True)
class ItemsPage:
    analysis: ItemAnalysisOut


@dataclass(frozen=True)
class DiscussionPage:
    """The instructor's view of one lesson's peer discussion (with moderation)."""

    lesson_slug: str
    lesson_title: str
    dilemmas: list[DilemmaDiscussionOut]


# --- gradebook and records ----------------------------------------------------------------------


class SortedTable:
    """A table sorted on the server by one column (`sort`, `order` on the page object)."""

    sort: SortKey
    order: SortOrder

    def aria_sort(self, key: SortKey) -> str | None:
        """Return the column's aria-sort value: only the sorted column has one."""
        if key != self.sort:
            return None
        return "ascending" if self.order == "asc" else "descending"

    def sort_link(self, key: SortKey) -> str:
        """Return the query that sorts by `key`: the other way round if already sorted by it;
        scores and dates start highest (latest) first, names from A."""
        if key == self.sort:
            order = "desc" if self.order == "asc" else "asc"
        else:
            order = "asc" if key == "name" else "desc"
        return f"?sort={key}&order={order}"


@dataclass(frozen=True)
class GradebookPage(SortedTable):
    lesson_slug: str
    lesson_title: str
    questions: list[tuple[str, str]]  # (id, prompt) in the lesson's order
    rows: list[StudentRow]
    sort: SortKey
    order: SortOrder


@dataclass(frozen=True)
class CourseGradebookPage(SortedTable):
    lessons: list[tuple[str, str]]  # (slug, title) in course order
    rows: list[CourseRow]
    sort: SortKey
    order: SortOrder


@dataclass(frozen=True)
class RecordPage:
    record: StudentRecord
    own: bool  # a student's own record (download link) rather than an instructor's view
