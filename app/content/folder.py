"""Load a lesson folder: lesson.md, quiz.yaml and dilemmas.yaml into one Lesson."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from app.content.errors import LessonFileError, LessonProblem
from app.content.lesson_md import SPOKEN_ID, ParsedMd, parse_lesson_file
from app.content.model import Lesson, Section
from app.content.schema import DilemmasFile, Question, QuizFile
from app.content.yamlsrc import Loc, parse_yaml, read_text, validate

LESSON_FILE = "lesson.md"
QUIZ_FILE = "quiz.yaml"
DILEMMAS_FILE = "dilemmas.yaml"

M = TypeVar("M", QuizFile, DilemmasFile)


def _load_yaml_file(path: Path, model: type[M], key: str) -> M:
    text = read_text(path)
    if not text.strip():
        raise LessonFileError([LessonProblem(path, 1, "file is empty")])
    data, lines = parse_yaml(text, path)
    if not isinstance(data, dict) or key not in data:
        raise LessonFileError([LessonProblem(path, 1, f"expected a top-level '{key}:' list")])
    duplicates = _duplicate_ids(data[key], key, path, lines)
    try:
        loaded = validate(model, data, lines, path, first_line=1)
    except LessonFileError as exc:
        raise LessonFileError(sorted(set(exc.problems) | set(duplicates))) from None
    if duplicates:
        raise LessonFileError(duplicates)
    return loaded


def _duplicate_ids(
    items: object, key: str, path: Path, lines: dict[Loc, int]
) -> list[LessonProblem]:
    """Return a problem at each repeated id's own line (scores are keyed by ids)."""
    if not isinstance(items, list):
        return []
    first: dict[object, int] = {}
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            continue
        line = lines.get((key, i, "id"), 1)
        if item["id"] in first:
            msg = f"{key}.{i}.id: {item['id']!r} is used twice (first on line {first[item['id']]})"
            problems.append(LessonProblem(path, line, msg))
        else:
            first[item["id"]] = line
    return problems


def load_folder(folder: Path) -> Lesson:
    """Return the lesson in `folder`; raise LessonFileError listing every problem found."""
    problems: list[LessonProblem] = []
    md_path, quiz_path, dil_path = folder / LESSON_FILE, folder / QUIZ_FILE, folder / DILEMMAS_FILE
    files = [md_path]
    parsed: ParsedMd | None = None
    quiz = dilemmas = None
    try:
        parsed = parse_lesson_file(read_text(md_path), md_path)
    except LessonFileError as exc:
        problems += exc.problems
    if quiz_path.exists():
        files.append(quiz_path)
        try:
            quiz = _load_yaml_file(quiz_path, QuizFile, "questions")
        except LessonFileError as exc:
            problems += exc.problems
    if dil_path.exists():
        files.append(dil_path)
        try:
            dilemmas = _load_yaml_file(dil_path, DilemmasFile, "dilemmas")
        except LessonFileError as exc:
            problems += exc.problems
    if parsed is not None:
        questions, check_problems = order_questions(parsed.sections, quiz, md_path)
        problems += check_problems
    if problems or parsed is None:
        raise LessonFileError(problems)

    front = parsed.front
    dilemma_list = tuple(dilemmas.dilemmas) if dilemmas else ()
    checked = {q for s in parsed.sections for c in s.checks for q in c.questions}
    in_end_quiz = any(q.id not in checked for q in questions)
    return Lesson(
        slug=front.slug,
        title=front.title,
        summary=front.summary,
        order=front.order,
        sections=place_activities(parsed.sections, in_end_quiz, bool(dilemma_list)),
        questions=questions,
        dilemmas=dilemma_list,
        narrated=((SPOKEN_ID,) if front.spoken else ()) + tuple(front.narrated),
        invitation=front.invitation,
        order_line=parsed.order_line,
        source=folder,
        files=tuple(files),
    )


def order_questions(
    sections: list[Section], quiz: QuizFile | None, md_path: Path
) -> tuple[tuple[Question, ...], list[LessonProblem]]:
    """Return the questions as a student meets them: those in section checks first, in the
    lesson's order, then the end quiz's in quiz.yaml's order; and each check's problems (an
    id not in quiz.yaml, or a question placed twice)."""
    by_id = {q.id: q for q in quiz.questions} if quiz else {}
    placed: dict[str, int] = {}
    problems = []
    for check in (c for s in sections for c in s.checks):
        for qid in check.questions:
            if qid not in by_id:
                msg = f"check: no question {qid!r} in {QUIZ_FILE}"
                problems.append(LessonProblem(md_path, check.line, msg))
            elif qid in placed:
                msg = f"check: question {qid!r} is already asked (line {placed[qid]}); ask it once"
                problems.append(LessonProblem(md_path, check.line, msg))
            else:
                placed[qid] = check.line
    first = [by_id[qid] for qid in placed]
    rest = [q for q in by_id.values() if q.id not in placed]
    return tuple(first + rest), problems


def place_activities(
    sections: list[Section], has_quiz: bool, has_dilemmas: bool
) -> tuple[Section, ...]:
    """Return sections with a quiz and a dilemmas section, appended where lesson.md has none.

    An author places them by giving a heading the id `quiz` or `dilemmas`
    (`## Check yourself {#quiz}`); otherwise they follow the last section.
    """
    out = list(sections)
    ids = {s.id for s in sections}
    if has_quiz and "quiz" not in ids:
        out.append(
            Section(id="quiz", title="Check your understanding", html="", line=0, kind="quiz")
        )
    if has_dilemmas and "dilemmas" not in ids:
        out.append(Section(id="dilemmas", title="Dilemmas", html="", line=0, kind="dilemmas"))
    return tuple(out)
