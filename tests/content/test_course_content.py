"""The course in lesson files: order, section checks, the spoken summary, optional material."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.content.errors import LessonFileError
from app.content.folder import load_folder
from app.content.store import LessonStore

MakeLesson = Callable[..., Path]


def md(
    slug: str, order: int | None, body: str = "## Text {#text}\n\nWords.\n", **front: str
) -> str:
    lines = ["---", f"title: {slug.title()}", f"slug: {slug}"]
    lines += [f"order: {order}"] if order is not None else []
    lines += [f"{k}: {v}" for k, v in front.items()]
    return "\n".join([*lines, "---", body])


def test_a_duplicate_order_is_a_problem_at_its_line(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    root = tmp_path / "lessons"
    make_lesson(root=root, name="a", lesson_md=md("a", 1), quiz=None, dilemmas=None)
    make_lesson(root=root, name="b", lesson_md=md("b", 1), quiz=None, dilemmas=None)
    snapshot = LessonStore(root).reload()
    assert [lesson.slug for lesson in snapshot.ordered()] == ["a"]
    [problem] = snapshot.all_problems()
    assert (problem.path, problem.line) == (root / "b" / "lesson.md", 4)
    assert "order: 1 is already the place of 'A' (a)" in str(problem)


def test_moving_onto_a_taken_place_keeps_the_last_good_version(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    root = tmp_path / "lessons"
    make_lesson(root=root, name="a", lesson_md=md("a", 1), quiz=None, dilemmas=None)
    b = make_lesson(root=root, name="b", lesson_md=md("b", 2), quiz=None, dilemmas=None)
    store = LessonStore(root)
    store.reload()
    (b / "lesson.md").write_text(md("b", 1))
    snapshot = store.reload()
    assert [(x.slug, x.order) for x in snapshot.ordered()] == [("a", 1), ("b", 2)]
    assert root / "b" in snapshot.stale and len(snapshot.all_problems()) == 1


def test_lessons_without_order_take_no_place(tmp_path: Path, make_lesson: MakeLesson) -> None:
    root = tmp_path / "lessons"
    for name in ("a", "b"):
        make_lesson(root=root, name=name, lesson_md=md(name, None), quiz=None, dilemmas=None)
    assert LessonStore(root).reload().all_problems() == []


CHECKED_MD = """\
## First {#first}

Before.

```check
questions: [q-b]
```

After.

## Check yourself {#quiz}
"""


def quiz(*ids: str) -> str:
    return "questions:\n" + "".join(
        f"  - {{id: {i}, type: true_false, prompt: P, answer: true, feedback: F, explanation: E}}\n"
        for i in ids
    )


def test_a_check_places_its_questions_first_and_out_of_the_end_quiz(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    folder = make_lesson(lesson_md=md("c", 1, CHECKED_MD), quiz=quiz("q-a", "q-b"), dilemmas=None)
    lesson = load_folder(folder)
    assert [q.id for q in lesson.questions] == ["q-b", "q-a"]  # as a student meets them
    assert lesson.checked == {"q-b"}
    [check] = lesson.sections[0].checks
    assert check.questions == ("q-b",) and check.line == 10


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (CHECKED_MD.replace("q-b]", "q-x]"), "check: no question 'q-x' in quiz.yaml"),
        (CHECKED_MD.replace("q-b]", "q-b, q-b]"), "check: question 'q-b' is already asked"),
        (CHECKED_MD.replace("q-b]", "]"), "questions: List should have at least 1 item"),
    ],
)
def test_a_bad_check_is_a_problem_at_its_fence(
    tmp_path: Path, make_lesson: MakeLesson, body: str, message: str
) -> None:
    folder = make_lesson(lesson_md=md("c", 1, body), quiz=quiz("q-a", "q-b"), dilemmas=None)
    with pytest.raises(LessonFileError) as err:
        load_folder(folder)
    [problem] = err.value.problems
    assert problem.path == folder / "lesson.md" and problem.line in (10, 11)
    assert message in problem.message


def test_the_spoken_summary_is_the_first_section_and_read_first(
    tmp_path: Path, make_lesson: MakeLesson
) -> None:
    front = {"narrated": "[text]", "spoken": "|\n  One & two.\n\n  Three."}
    folder = make_lesson(lesson_md=md("s", 1, **front), quiz=None, dilemmas=None)
    lesson = load_folder(folder)
    assert lesson.narrated == ("in-brief", "text")
    first = lesson.sections[0]
    assert (first.id, first.title, first.text) == ("in-brief", "In brief", "One & two.\n\nThree.")
    assert [p.text for p in BeautifulSoup(first.html, "html.parser").find_all("p")] == [
        "One & two.",
        "Three.",
    ]


def test_optional_material_is_a_labelled_aside(tmp_path: Path, make_lesson: MakeLesson) -> None:
    body = "## Text {#text}\n\n::: optional\n### Deeper\n\nMore.\n:::\n"
    lesson = load_folder(make_lesson(lesson_md=md("o", 1, body), quiz=None, dilemmas=None))
    aside = BeautifulSoup(lesson.sections[0].html, "html.parser").find("aside")
    assert aside is not None and aside["class"] == ["optional"]
    assert aside["aria-label"] == "Optional" and aside.h3 is not None
    assert "More." in lesson.sections[0].text
