"""Loading lesson folders, and the path:line errors of every kind of malformed file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.content.errors import LessonFileError
from app.content.folder import load_folder
from app.content.schema import NumericQuestion, OrderingQuestion, SingleQuestion

MakeLesson = Callable[..., Path]


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(LessonFileError) as info:
        load_folder(folder)
    return [str(p) for p in info.value.problems]


def test_valid_folder_loads_every_part(make_lesson: MakeLesson) -> None:
    lesson = load_folder(make_lesson())
    assert (lesson.slug, lesson.title, lesson.order) == ("mini", "Mini lesson", 5)
    assert [s.id for s in lesson.sections] == ["answer", "how-it-works", "quiz", "dilemmas"]
    assert [s.kind for s in lesson.sections] == ["content", "content", "quiz", "dilemmas"]
    assert lesson.narrated == ("answer",)
    assert [q.id for q in lesson.questions] == ["memory", "params", "steps", "tf"]
    assert isinstance(lesson.questions[0], SingleQuestion)
    assert isinstance(lesson.questions[1], NumericQuestion) and lesson.questions[1].answer == 640
    assert isinstance(lesson.questions[2], OrderingQuestion)
    assert [d.id for d in lesson.dilemmas] == ["phone"]


def test_sections_render_markdown_math_and_widgets(make_lesson: MakeLesson) -> None:
    lesson = load_folder(make_lesson())
    answer = BeautifulSoup(lesson.sections[0].html, "html.parser")
    assert answer.find("strong").get_text() == "hidden state"
    maths = answer.find_all("math")
    assert [m["display"] for m in maths] == ["inline", "block"]
    assert "tanh" in maths[1].get_text()
    how = BeautifulSoup(lesson.sections[1].html, "html.parser")
    assert [li.get_text() for li in how.find_all("li")] == ["Step one", "Step two"]
    widget = how.find("div", attrs={"data-widget": "rnn-stepper"})
    assert widget is not None and widget["id"] == "how-it-works-rnn-stepper-1"
    import json

    config = json.loads(widget["data-config"])
    assert config["cell"] == "gru" and config["hidden_size"] == 3 and config["locked"] == ["cell"]
    assert config["weight_scale"] == 1.0  # defaults filled in


def test_without_quiz_heading_quiz_and_dilemmas_are_appended(make_lesson: MakeLesson) -> None:
    md = "---\ntitle: T\nslug: t\n---\n## Only {#only}\n\nText.\n"
    lesson = load_folder(make_lesson(lesson_md=md))
    assert [(s.id, s.kind) for s in lesson.sections] == [
        ("only", "content"),
        ("quiz", "quiz"),
        ("dilemmas", "dilemmas"),
    ]


def test_quiz_and_dilemmas_files_are_optional(make_lesson: MakeLesson) -> None:
    lesson = load_folder(make_lesson(quiz=None, dilemmas=None))
    assert lesson.questions == () and lesson.dilemmas == ()
    assert [f.name for f in lesson.files] == ["lesson.md"]


def test_heading_inside_a_code_fence_is_not_a_section(make_lesson: MakeLesson) -> None:
    md = "---\ntitle: T\nslug: t\n---\n## A {#a}\n\n```\n## not a heading\n```\n\n## B {#b}\n"
    lesson = load_folder(make_lesson(lesson_md=md, quiz=None, dilemmas=None))
    assert [s.id for s in lesson.sections] == ["a", "b"]
    assert "## not a heading" in BeautifulSoup(lesson.sections[0].html, "html.parser").get_text()


@pytest.mark.parametrize(
    ("quiz", "expected"),
    [
        # bad YAML syntax: the line of the broken token
        ("questions:\n  - id: a\n    prompt: [unclosed\n", "quiz.yaml:4: YAML syntax"),
        # schema: a wrong option without feedback, reported at the options' line
        (
            "questions:\n  - id: q1\n    type: single\n    prompt: P\n    explanation: E\n"
            "    options:\n      - {id: a, text: A, correct: true}\n      - {id: b, text: B}\n",
            "quiz.yaml:6: questions.0.options: wrong options need feedback",
        ),
        # schema: an unknown type, at the question's line
        (
            "questions:\n  - id: q1\n    type: essay\n    prompt: P\n    explanation: E\n",
            "quiz.yaml:2: questions.0: Input tag 'essay'",
        ),
        # schema: a missing field, at its question's line
        (
            "questions:\n  - id: q1\n    type: true_false\n    prompt: P\n    answer: true\n"
            "    feedback: F\n",
            "quiz.yaml:2: questions.0.explanation: Field required",
        ),
        # duplicate question ids
        (
            "questions:\n"
            "  - {id: q, type: true_false, prompt: P, answer: true, feedback: F, explanation: E}\n"
            "  - {id: q, type: true_false, prompt: P, answer: true, feedback: F, explanation: E}\n",
            "quiz.yaml:3: questions.1.id: 'q' is used twice (first on line 2)",
        ),
        # a stray field (typo) is an error, not silently ignored
        (
            "questions:\n  - id: q1\n    type: true_false\n    prompt: P\n    answer: true\n"
            "    feedback: F\n    explanation: E\n    explantion: typo\n",
            "quiz.yaml:8: questions.0.explantion: Extra inputs are not permitted",
        ),
        ("", "quiz.yaml:1: file is empty"),
        ("just a string\n", "quiz.yaml:1: expected a top-level 'questions:' list"),
    ],
)
def test_malformed_quiz_gives_path_and_line(
    make_lesson: MakeLesson, quiz: str, expected: str
) -> None:
    problems = problems_of(make_lesson(quiz=quiz))
    assert any(expected in p for p in problems), problems
    assert all(p.split(":")[0].endswith("quiz.yaml") for p in problems)


def test_truncated_quiz_file_is_reported(make_lesson: MakeLesson) -> None:
    from tests.conftest import MINI_QUIZ

    truncated = MINI_QUIZ[: MINI_QUIZ.index("explanation: SECRET-NUMERIC")]
    problems = problems_of(make_lesson(quiz=truncated))
    # the numeric question (from line 15) lost its explanation and feedback
    assert any(":15: questions.1.explanation: Field required" in p for p in problems), problems


def test_bad_utf8_reports_the_line_of_the_bad_byte(make_lesson: MakeLesson) -> None:
    folder = make_lesson()
    raw = (folder / "dilemmas.yaml").read_bytes().replace(b"Pick a model.", b"Pick a \xff model.")
    (folder / "dilemmas.yaml").write_bytes(raw)
    problems = problems_of(folder)
    assert len(problems) == 1
    assert problems[0].endswith(
        "dilemmas.yaml:4: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    )


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        ("", "lesson.md:1: file is empty"),
        ("# Title\n\ntext\n", "lesson.md:1: lesson.md must start with YAML front matter"),
        ("---\ntitle: T\nslug: t\n", "lesson.md:1: front matter is not closed"),
        ("---\ntitle: T\nslug: Bad Slug\n---\n", "lesson.md:3: slug: String should match"),
        ("---\ntitle: T\n---\n## A\n", "lesson.md:2: slug: Field required"),
        ("---\ntitle: [T\nslug: t\n---\n", "lesson.md:3: YAML syntax"),
        (
            "---\ntitle: T\nslug: t\nnarrated: [answer, nope]\n---\n## A {#answer}\n",
            "lesson.md:4: narrated: no section with id 'nope'",
        ),
        (
            "---\ntitle: T\nslug: t\n---\n## A {#a}\n\n## Again {#a}\n",
            "lesson.md:7: section id 'a' is used twice (first on line 5)",
        ),
        (
            "---\ntitle: T\nslug: t\n---\n## A\n\n"
            "```rnn-stepper\ncell: lstm\nhidden_size: 500\n```\n",
            "lesson.md:9: hidden_size: Input should be less than or equal to 64",
        ),
        (
            "---\ntitle: T\nslug: t\n---\n## A\n\n```rnn-stepper\ncell: [lstm\n```\n",
            "lesson.md:9: YAML syntax",
        ),
    ],
)
def test_malformed_lesson_md_gives_path_and_line(
    make_lesson: MakeLesson, md: str, expected: str
) -> None:
    problems = problems_of(make_lesson(lesson_md=md, quiz=None, dilemmas=None))
    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_not_only_the_first(make_lesson: MakeLesson) -> None:
    problems = problems_of(make_lesson(quiz="questions: [", dilemmas=""))
    files = sorted(Path(p.split(":")[0]).name for p in problems)
    assert files == ["dilemmas.yaml", "quiz.yaml"]


def test_missing_lesson_md_is_reported(make_lesson: MakeLesson) -> None:
    folder = make_lesson()
    (folder / "lesson.md").unlink()
    assert problems_of(folder) == [f"{folder / 'lesson.md'}:1: file is missing"]


def test_a_repeated_id_is_reported_with_other_schema_errors(make_lesson: MakeLesson) -> None:
    from tests.conftest import MINI_DILEMMAS

    body = MINI_DILEMMAS.split("\n", 1)[1]  # the first dilemma, without 'dilemmas:'
    twice = "dilemmas:\n" + body + body.replace("commentary: SECRET-COMMENTARY-it depends.\n", "")
    problems = problems_of(make_lesson(dilemmas=twice))
    assert any(":17: dilemmas.1.id: 'phone' is used twice (first on line 2)" in p for p in problems)
    assert any(":17: dilemmas.1.commentary: Field required" in p for p in problems), problems
