"""The course: its page, each lesson's place and links, section checks, and progress across
lessons on "My progress" and the class overview, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from db_fixtures import csrf, register
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import log_in_instructor

COURSE = ["rnn", "rnn-training", "rnn-gated", "rnn-generation"]


def soup_of(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def answer(client: TestClient, slug: str, qid: str, given: object) -> dict[str, object]:
    url = f"/api/lessons/{slug}/quiz/{qid}/attempts"
    response = client.post(url, json={"answer": given}, headers=csrf(client))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_lesson_has_its_place_and_links_to_its_neighbours(repo_app: FastAPI) -> None:
    client = TestClient(repo_app)
    cards = soup_of(client, "/").select("li.lesson-card")
    assert [c["data-lesson"] for c in cards][:4] == COURSE  # the seed file, with no order, last
    for n, slug in enumerate(COURSE, start=1):
        soup = soup_of(client, f"/lessons/{slug}")
        number = soup.select_one(".lesson-header .lesson-number")
        assert number is not None and f"Lesson {n} of {len(COURSE) + 1}" in number.text
        nav = soup.select_one("nav.course-nav")
        assert nav is not None
        prev, nxt = nav.select_one("a[rel=prev]"), nav.select_one("a[rel=next]")
        assert (prev["href"] if prev else None) == (f"/lessons/{COURSE[n - 2]}" if n > 1 else None)
        if n < len(COURSE):
            assert nxt is not None and nxt["href"] == f"/lessons/{COURSE[n]}"
            assert nxt.text.startswith(f"Next lesson: {n + 1}.")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_lesson_one_opens_with_the_spoken_answer(repo_app: FastAPI) -> None:
    soup = soup_of(TestClient(repo_app), "/lessons/rnn")
    assert soup.select_one(".invitation").text == "Listen to the answer"  # type: ignore[union-attr]
    listen = soup.select_one(".listen")
    assert listen is not None and listen["data-narrated"] == "in-brief answer analogy"
    first = soup.select("main section")[0]
    assert first["id"] == "in-brief" and "hidden state" in first.text


def test_a_section_check_is_graded_and_stored_like_the_quiz(repo_app: FastAPI) -> None:
    client = TestClient(repo_app)
    register(client, "ada")
    check = soup_of(client, "/lessons/rnn").select_one("#answer aside.section-check")
    assert check is not None
    assert [f["data-question"] for f in check.select("form.question")] == ["rnn-memory"]
    first = check.select_one("form.question")
    assert first is not None and "Question 1" in first.text
    wrong = answer(client, "rnn", "rnn-memory", "weights")
    assert not wrong["correct"] and not wrong.get("explanation")  # withheld: tries remain
    assert answer(client, "rnn", "rnn-memory", "hidden")["correct"]
    soup = soup_of(client, "/lessons/rnn")
    stored = soup.select_one("#answer form#q-rnn-memory")
    assert stored is not None and stored["data-state"] == "right" and stored["data-tries"] == "2"
    # asked once: in its check, not again in the end quiz
    assert soup.select("#quiz form#q-rnn-memory") == []


def test_progress_across_lessons_for_the_student_and_the_class(repo_app: FastAPI) -> None:
    client = TestClient(repo_app)
    register(client, "bob")
    assert answer(client, "rnn", "rnn-memory", "hidden")["correct"]
    assert answer(client, "rnn-generation", "perplexity", "3.364")["correct"]
    assert not answer(client, "rnn-generation", "temperature-prob", "0.665")["correct"]

    cards = {c["data-lesson"]: c for c in soup_of(client, "/").select("li.lesson-card")}
    status = {slug: cards[slug].select_one(".course-progress") for slug in COURSE}
    assert status["rnn"] is not None and status["rnn"]["data-status"] == "In progress"
    assert status["rnn-training"] is not None and status["rnn-training"]["data-status"] == (
        "Not started"
    )
    assert "1 of 8 questions done" in " ".join(status["rnn-generation"].text.split())  # type: ignore[union-attr]

    rows = soup_of(client, "/me/progress").select("#course tbody tr")
    table = {r["data-lesson"]: [" ".join(td.text.split()) for td in r.select("td")] for r in rows}
    assert list(table)[:4] == COURSE
    assert table["rnn"][:2] == ["In progress", "1 of 8"]
    assert table["rnn-training"][:2] == ["Not started", "0 of 7"]
    assert table["rnn-generation"][:3] == ["In progress", "1 of 8", "1.00 of 8"]

    teacher = TestClient(repo_app)
    log_in_instructor(teacher, repo_app)
    rows = soup_of(teacher, "/instructor").select("#course tbody tr")
    cells = {r["data-lesson"]: [td.text.strip() for td in r.select("td")] for r in rows}
    # students, questions, answers (student × question), average best score, dilemma choices
    assert cells["rnn"] == ["1", "8", "1", "1.00", "0"]
    assert cells["rnn-training"] == ["0", "7", "0", "—", "0"]
    assert cells["rnn-generation"] == ["1", "8", "2", "0.50", "0"]
