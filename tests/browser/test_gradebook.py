"""An instructor in real Chromium: opens the gradebook from the class overview, sorts it,
opens a student's record, and downloads the gradebook as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from db_fixtures import PASSWORD, running_server
from playwright.sync_api import Page, expect

from app.accounts.users import create_user
from app.db.database import Database

# Per student: (question, answer) tries, in order. Scores on 'single': 1, 0.5, 0.25 by try.
CLASS = {
    "ada": [("single", "weights"), ("single", "hidden"), ("tf", False)],  # 0.5 + 1
    "bob": [("num", 640), ("tf", False), ("single", "hidden")],  # 1 + 1 + 1
    "cyd": [("word", "=1+1")],  # 0, and a formula to neutralize
}


@pytest.fixture
def class_server(quiz_lessons: Path, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with running_server(quiz_lessons, url, tmp_path) as base:
        for name, tries in CLASS.items():
            with httpx.Client(base_url=base, timeout=30) as student:
                student.headers["X-CSRFToken"] = student.get("/api/auth/csrf").json()["csrf_token"]
                body = {"username": name, "password": PASSWORD}
                assert student.post("/api/auth/register", json=body).status_code == 201
                student.headers["X-CSRFToken"] = student.cookies["csrftoken"]  # rotated at login
                for qid, answer in tries:
                    path = f"/api/lessons/quizzy/quiz/{qid}/attempts"
                    assert student.post(path, json={"answer": answer}).status_code == 200
        db = Database.from_url(url)
        with db.session(write=True) as session:
            create_user(session, username="teach", password=PASSWORD, role="instructor")
        db.dispose()
        yield base


def names(page: Page) -> list[str]:
    return page.locator("table.gradebook-table tbody th").all_inner_texts()


def test_instructor_sorts_the_gradebook_opens_a_record_and_downloads_the_csv(
    page: Page, class_server: str, artifacts: Path, tmp_path: Path, console_errors: list[str]
) -> None:
    page.goto(f"{class_server}/login?next=/instructor")
    page.get_by_label("Username").fill("teach")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Gradebook", exact=True).click()
    expect(page.locator("h1")).to_have_text("Gradebook: Quiz lesson")
    assert names(page) == ["ada", "bob", "cyd"]
    score = page.get_by_role("link", name="Lesson score")
    score.click()  # highest first
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Lesson score")
    assert names(page) == ["bob", "ada", "cyd"]
    page.get_by_role("link", name="Lesson score").click()  # and back
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Lesson score")
    assert names(page) == ["cyd", "ada", "bob"]
    bob = page.locator("table.gradebook-table tbody tr", has_text="bob")
    expect(bob.locator("td").first).to_contain_text("3.00 / 7")
    page.screenshot(path=artifacts / "gradebook.png", full_page=True)

    page.get_by_role("link", name="ada").click()
    expect(page.locator("h1")).to_have_text("Record of ada")
    first = page.locator('tr[data-question="single"][data-try="1"]')
    expect(first.locator("td.answer")).to_have_text("The weights")
    expect(first.locator("td.said")).to_contain_text("SECRET-single-feedback")
    page.screenshot(path=artifacts / "student-record.png", full_page=True)

    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download gradebook (CSV)").click()
    download = info.value
    assert download.suggested_filename.startswith("parade-quizzy-gradebook-")
    saved = tmp_path / "gradebook.csv"
    download.save_as(saved)
    with saved.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["username"], r["score"], r["single best"], r["single first"]) for r in rows] == [
        ("ada", "1.5", "0.5", "0.0"),
        ("bob", "3.0", "1.0", "1.0"),
        ("cyd", "0.0", "", ""),
    ]
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{class_server}/instructor/lessons/quizzy/gradebook")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, "nothing scrolls sideways at 320 px"
    page.screenshot(path=artifacts / "gradebook-320.png", full_page=True)
    assert console_errors == []
