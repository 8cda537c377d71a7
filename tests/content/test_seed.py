"""The plain-text seed format: the shared seed loads as it is, and import-seed round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.content.errors import LessonFileError
from app.content.folder import load_folder
from app.content.seed import escape, load_seed, parse_seed, seed_to_markdown


def test_the_seed_copy_matches_the_shared_seed() -> None:
    from tests.conftest import SEED_COPY, SHARED_SEED

    if not SHARED_SEED.exists():
        pytest.skip("../shared is not beside this clone")
    assert SEED_COPY.read_bytes() == SHARED_SEED.read_bytes()


def test_shared_seed_loads_with_every_section_in_order(seed_file: Path) -> None:
    lesson = load_seed(seed_file)
    assert lesson.slug == "rnn-lesson"
    assert lesson.title == "RNN Lesson"
    assert lesson.summary.startswith("Recurrent Neural Networks (RNNs) are a class")
    assert [(s.id, s.kind) for s in lesson.sections] == [
        ("answer", "content"),
        ("how-rnns-work", "content"),
        ("challenges-with-rnns", "content"),
        ("variants-of-rnns", "content"),
        ("quiz", "quiz"),
        ("analogy", "content"),
        ("dilemmas", "dilemmas"),
    ]
    assert lesson.narrated == ("answer",)  # the seed's LESSON line says "listen to the answer"


def test_seed_items_become_labelled_list_items(seed_file: Path) -> None:
    lesson = load_seed(seed_file)
    how = BeautifulSoup(lesson.sections[1].html, "html.parser")
    labels = [li.find("strong").get_text() for li in how.find_all("li")]
    assert labels == [
        "Sequential Input",
        "Hidden States",
        "Feedback Loops",
        "Variable Length Input and Output",
    ]
    assert "process it in order" in how.find_all("li")[0].get_text()


def test_empty_seed_sections_load_empty_and_unfinished_ones_say_so(seed_file: Path) -> None:
    lesson = load_seed(seed_file)
    by_id = {s.id: s for s in lesson.sections}
    assert by_id["quiz"].empty and by_id["dilemmas"].empty
    variants = BeautifulSoup(by_id["variants-of-rnns"].html, "html.parser").get_text()
    assert "including:" in variants and "coming soon" in variants
    analogy = BeautifulSoup(by_id["analogy"].html, "html.parser").find_all("p")
    assert len(analogy) == 2 and analogy[0].get_text().startswith(
        "Imagine you’re watching a parade"
    )


def test_seed_with_markdown_characters_is_shown_literally(tmp_path: Path) -> None:
    seed = tmp_path / "odd.txt"
    seed.write_text(
        "ANSWER\nCosts $5 and uses *stars*, <b>tags</b> and [links](javascript:x).\n"
        "# not a heading\n"
    )
    html = load_seed(seed).sections[0].html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("b") is None and soup.find("a") is None and soup.find("em") is None
    assert soup.find("math") is None and soup.find("h1") is None
    text = soup.get_text()
    assert (
        "$5" in text and "*stars*" in text and "<b>tags</b>" in text and "# not a heading" in text
    )


def test_escape_leaves_plain_words_alone() -> None:
    assert (
        escape("plain words, (parentheses) and “quotes”")
        == "plain words, (parentheses) and “quotes”"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "odd.txt:1: file is empty"), ("hello\nANSWER\nx\n", "odd.txt:1: text before the first")],
)
def test_bad_seed_files_give_path_and_line(tmp_path: Path, text: str, expected: str) -> None:
    seed = tmp_path / "odd.txt"
    seed.write_text(text)
    with pytest.raises(LessonFileError) as info:
        load_seed(seed)
    assert expected in str(info.value.problems[0])


def test_import_seed_output_loads_as_the_same_lesson(seed_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rnn-lesson"
    folder.mkdir()
    seed = parse_seed(seed_file.read_text(encoding="utf-8"), seed_file)
    (folder / "lesson.md").write_text(seed_to_markdown(seed, "rnn-lesson"), encoding="utf-8")
    from_folder = load_folder(folder)
    from_seed = load_seed(seed_file)
    assert [(s.id, s.title, s.html) for s in from_folder.sections] == [
        (s.id, s.title, s.html) for s in from_seed.sections
    ]
    assert (from_folder.slug, from_folder.title, from_folder.summary) == (
        from_seed.slug,
        from_seed.title,
        from_seed.summary,
    )
