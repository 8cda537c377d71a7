"""The lesson store: reloads, and keeps serving the last good version of a broken lesson."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from app.content.store import LessonStore, log_snapshot

MakeLesson = Callable[..., Path]


def test_store_serves_folders_and_seed_files(lessons_dir: Path) -> None:
    snapshot = LessonStore(lessons_dir).reload()
    assert {"rnn", "rnn-lesson"} <= set(snapshot.lessons)
    assert snapshot.all_problems() == []


def test_ordered_by_order_then_title(tmp_path: Path, make_lesson: MakeLesson) -> None:
    root = tmp_path / "lessons"
    for name, order in (("b", 2), ("a", 1), ("c", 3)):
        md = f"---\ntitle: {name.upper()}\nslug: {name}\norder: {order}\n---\n## X\n"
        make_lesson(root=root, name=name, lesson_md=md, quiz=None, dilemmas=None)
    assert [lesson.slug for lesson in LessonStore(root).reload().ordered()] == ["a", "b", "c"]


def test_edits_show_after_reload(tmp_path: Path, make_lesson: MakeLesson) -> None:
    folder = make_lesson()
    store = LessonStore(folder.parent)
    assert store.reload().lessons["mini"].title == "Mini lesson"
    md = (folder / "lesson.md").read_text().replace("title: Mini lesson", "title: Renamed")
    (folder / "lesson.md").write_text(md)
    assert store.reload().lessons["mini"].title == "Renamed"


def _break_each_way(folder: Path) -> list[tuple[str, Callable[[], None]]]:
    quiz, md = folder / "quiz.yaml", folder / "lesson.md"
    good_quiz, good_md = quiz.read_bytes(), md.read_bytes()
    return [
        ("bad yaml", lambda: quiz.write_text("questions: [\n")),
        ("schema", lambda: quiz.write_text("questions:\n  - id: x\n    type: single\n")),
        ("empty", lambda: md.write_text("")),
        ("truncated", lambda: quiz.write_bytes(good_quiz[: len(good_quiz) // 2])),
        ("bad utf-8", lambda: md.write_bytes(good_md.replace(b"tiny", b"t\xc3\x28ny"))),
        ("deleted quiz", quiz.unlink),
        ("deleted lesson.md", md.unlink),
    ]


def test_every_kind_of_bad_edit_keeps_the_last_good_version(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    folder = make_lesson()
    store = LessonStore(folder.parent)
    good = store.reload().lessons["mini"]
    quiz_bytes, md_bytes = (folder / "quiz.yaml").read_bytes(), (folder / "lesson.md").read_bytes()
    for kind, breaker in _break_each_way(folder):
        breaker()
        snapshot = store.reload()
        assert snapshot.lessons.get("mini") is good, kind  # the very object last served
        problems = snapshot.all_problems()
        assert problems, f"{kind}: no problem reported"
        assert all(p.path.parent == folder and p.line >= 1 for p in problems), kind
        # mend it again
        (folder / "quiz.yaml").write_bytes(quiz_bytes)
        (folder / "lesson.md").write_bytes(md_bytes)
        mended = store.reload()
        assert mended.all_problems() == [], kind
        assert mended.lessons["mini"] == good, kind
        good = mended.lessons["mini"]


def test_deleting_a_whole_lesson_folder_removes_the_lesson(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    folder = make_lesson()
    store = LessonStore(folder.parent)
    assert "mini" in store.reload().lessons
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    snapshot = store.reload()
    assert "mini" not in snapshot.lessons and snapshot.all_problems() == []


def test_a_new_broken_lesson_is_reported_and_not_served(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    folder = make_lesson(quiz="questions: {")
    snapshot = LessonStore(folder.parent).reload()
    assert "mini" not in snapshot.lessons
    assert [p.path.name for p in snapshot.all_problems()] == ["quiz.yaml"]


def test_duplicate_slugs_are_reported(tmp_path: Path, make_lesson: MakeLesson) -> None:
    root = tmp_path / "lessons"
    one = make_lesson(root=root, name="one")
    other_place = (one / "lesson.md").read_text().replace("order: 5", "order: 6")  # own place
    make_lesson(root=root, name="two", lesson_md=other_place)
    snapshot = LessonStore(root).reload()
    assert snapshot.lessons["mini"].source == root / "one"
    problems = snapshot.all_problems()
    assert len(problems) == 1 and "slug 'mini' is already used by" in problems[0].message
    assert problems[0].path == root / "two"


def test_hidden_files_and_other_files_are_ignored(tmp_path: Path, make_lesson: MakeLesson) -> None:
    folder = make_lesson()
    (folder.parent / "README.md").write_text("# notes")
    (folder.parent / ".mini.swp").write_text("junk")
    (folder.parent / "empty-dir").mkdir()
    snapshot = LessonStore(folder.parent).reload()
    assert list(snapshot.lessons) == ["mini"] and snapshot.all_problems() == []


def test_problems_are_logged_by_the_server_side_only(
    tmp_path: Path, make_lesson: MakeLesson, caplog: pytest.LogCaptureFixture
) -> None:
    folder = make_lesson()
    store = LessonStore(folder.parent)
    store.reload()
    (folder / "quiz.yaml").write_text("questions: [\n")
    with caplog.at_level(logging.INFO, logger="parade.lessons"):
        snapshot = store.reload()
        assert caplog.records == []  # reloading (as `parade check` does) prints nothing
        assert snapshot.stale == frozenset({folder})
        log_snapshot(snapshot)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{folder / 'quiz.yaml'}:2: YAML syntax")
    assert warnings[0].endswith("(serving the last good version)")
