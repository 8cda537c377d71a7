"""The lessons currently served: reloaded from disk, keeping the last good version of each."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from app.content.errors import LessonFileError, LessonProblem
from app.content.folder import LESSON_FILE, load_folder
from app.content.model import Lesson
from app.content.seed import load_seed

log = logging.getLogger("parade.lessons")


def log_snapshot(snapshot: Snapshot) -> None:
    """Log what the server now serves and every problem, for whoever reads the server log."""
    for source, problems in sorted(snapshot.problems.items()):
        kept = " (serving the last good version)" if source in snapshot.stale else ""
        for problem in problems:
            log.warning("%s%s", problem, kept)
    log.info("serving %d lessons, %d problems", len(snapshot.lessons), len(snapshot.all_problems()))


def lesson_sources(root: Path) -> list[Path]:
    """Return the lesson folders and seed .txt files directly in `root`, sorted."""
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if not p.name.startswith((".", "_"))
        and ((p.is_dir() and any(p.iterdir())) or (p.is_file() and p.suffix == ".txt"))
    )


def load_source(source: Path) -> Lesson:
    """Return the lesson at `source` (a folder or a seed file)."""
    if source.is_dir():
        if not (source / LESSON_FILE).exists():
            raise LessonFileError([LessonProblem(source / LESSON_FILE, 1, "file is missing")])
        return load_folder(source)
    return load_seed(source)


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of every lesson and every problem, swapped in whole on reload."""

    lessons: dict[str, Lesson] = field(default_factory=dict)
    problems: dict[Path, list[LessonProblem]] = field(default_factory=dict)
    stale: frozenset[Path] = frozenset()  # sources with problems whose last good version is kept

    def ordered(self) -> list[Lesson]:
        return sorted(self.lessons.values(), key=lambda lesson: (lesson.order, lesson.title))

    def all_problems(self) -> list[LessonProblem]:
        return sorted(p for ps in self.problems.values() for p in ps)

    def problems_for(self, lesson: Lesson) -> list[LessonProblem]:
        return list(self.problems.get(lesson.source, []))


class LessonStore:
    """Holds the served lessons; `reload()` rereads the folder and never drops a good lesson
    because of a bad edit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._good: dict[Path, Lesson] = {}  # source -> last good version
        self._lock = threading.Lock()
        self.snapshot = Snapshot()

    def reload(self) -> Snapshot:
        """Reread every lesson source; return (and serve) the new snapshot."""
        with self._lock:
            problems: dict[Path, list[LessonProblem]] = {}
            sources = lesson_sources(self.root)
            for gone in set(self._good) - set(sources):
                del self._good[gone]
            loaded: dict[Path, Lesson] = {}
            for source in sources:
                try:
                    lesson = load_source(source)
                    self._check_deleted_files(lesson, self._good.get(source))
                except LessonFileError as exc:
                    problems[source] = exc.problems
                    continue
                loaded[source] = lesson
            for source, problem in self._order_clashes(loaded).items():
                problems[source] = [problem]
                del loaded[source]
            self._good.update(loaded)
            lessons = self._by_slug(problems)
            stale = frozenset(s for s in problems if s in self._good)
            self.snapshot = Snapshot(lessons, problems, stale)
            return self.snapshot

    @staticmethod
    def _check_deleted_files(lesson: Lesson, previous: Lesson | None) -> None:
        if previous is None:
            return
        gone = [f for f in previous.files if f not in lesson.files]
        if gone:
            msg = (
                "file was deleted; restore it (to drop a quiz or dilemmas, leave the file with "
                "'questions: []' or 'dilemmas: []'), or delete the whole lesson folder"
            )
            raise LessonFileError([LessonProblem(f, 1, msg) for f in gone])

    def _order_clashes(self, loaded: dict[Path, Lesson]) -> dict[Path, LessonProblem]:
        """Return a problem for each lesson whose written `order` another lesson already has.

        The course is the lessons in order, so two at one place is a mistake. Lessons that
        kept their place claim it first (an edit that moves a lesson onto another's place is
        the mistake), then the rest by folder name. A lesson without `order:` (a seed file)
        takes no place and clashes with none."""
        current = {**self._good, **loaded}

        def kept_place(source: Path) -> bool:
            before = self._good.get(source)
            return before is not None and before.order == loaded[source].order

        claimed = {
            lesson.order: source
            for source, lesson in self._good.items()
            if source not in loaded and lesson.order_line is not None and source in current
        }
        clashes: dict[Path, LessonProblem] = {}
        for source in sorted(loaded, key=lambda s: (not kept_place(s), s)):
            lesson = loaded[source]
            if lesson.order_line is None:
                continue
            other = claimed.setdefault(lesson.order, source)
            if other != source:
                msg = (
                    f"order: {lesson.order} is already the place of {current[other].title!r} "
                    f"({other.name}); give each lesson its own order"
                )
                clashes[source] = LessonProblem(source / LESSON_FILE, lesson.order_line, msg)
        return clashes

    def _by_slug(self, problems: dict[Path, list[LessonProblem]]) -> dict[str, Lesson]:
        lessons: dict[str, Lesson] = {}
        for source, lesson in sorted(self._good.items()):
            other = lessons.get(lesson.slug)
            if other is not None:
                msg = f"slug {lesson.slug!r} is already used by {other.source}"
                problems.setdefault(source, []).append(LessonProblem(source, 1, msg))
                continue
            lessons[lesson.slug] = lesson
        return lessons
