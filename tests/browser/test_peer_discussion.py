"""Peer discussion in real Chromium: three students answer a dilemma in separate browsers;
the third sees the class's first choices and two others' reasons, and revises; the
instructor sees both rounds and hides a reason; the student no longer sees it; the
instructor opens the item analysis and downloads the responses as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import PASSWORD, running_server
from playwright.sync_api import Browser, Page, expect

from app.accounts.users import create_user
from app.db.database import Database


@pytest.fixture
def class_server(quiz_lessons: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'class.db'}"
    with running_server(quiz_lessons, url, tmp_path) as base:
        yield base, url


def sign_up(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/register?next=/lessons/quizzy")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("form#d-phone[data-enhanced]")).to_be_visible()  # quiz.js loaded


def answer(page: Page, option: str, reason: str, sure: str, button: str) -> None:
    form = page.locator("form#d-phone")
    form.get_by_role("radio", name=option, exact=True).check()
    form.get_by_label("Why?").fill(reason)
    form.locator("fieldset.confidence").get_by_role("radio", name=sure).check()
    form.get_by_role("button", name=button).click()


def test_three_students_discuss_and_the_instructor_moderates(
    browser: Browser, class_server: tuple[str, str], artifacts: Path
) -> None:
    base, url = class_server
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(4)]
    errors: list[str] = []
    pages = []
    for context in contexts:
        p = context.new_page()
        p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pages.append(p)
    ann, ben, cat, teacher = pages
    for page, name, option, reason in (
        (ann, "ann", "A plain RNN", "A small model fits the phone's memory."),
        (ben, "ben", "A plain RNN", "Battery life matters more than long reviews."),
    ):
        sign_up(page, base, name)
        answer(page, option, reason, "3", "Commit to this choice")
        expect(page.locator("form#d-phone[data-state=answered]")).to_be_visible()
    expect(ben.locator("form#d-phone .not-enough")).to_contain_text("Not enough answers yet")

    sign_up(cat, base, "cat")
    dilemma = cat.locator("form#d-phone")
    expect(dilemma.locator(".peer-reasons")).to_have_count(0)
    answer(
        cat,
        "An LSTM",
        "Reviews are long: the LSTM keeps the early words.",
        "2",
        "Commit to this choice",
    )
    expect(dilemma.locator(".choice-split li")).to_have_text(
        ["A plain RNN 2 · 67%", "An LSTM 1 · 33%"], use_inner_text=True
    )
    expect(dilemma.locator(".peer-reasons li")).to_have_count(2)
    expect(dilemma.locator(".peer-reasons")).to_contain_text("Battery life matters")
    dilemma.scroll_into_view_if_needed()
    cat.screenshot(path=artifacts / "peer-discussion-answered.png", full_page=True)
    # Revise: the same fields, prefilled; both answers are kept.
    expect(dilemma.get_by_label("Why?")).to_have_value(
        "Reviews are long: the LSTM keeps the early words."
    )
    answer(cat, "An LSTM", "Still the LSTM, but a small one fits.", "4", "Revise my answer")
    expect(cat.locator("form#d-phone[data-state=revised]")).to_be_visible()
    expect(dilemma.locator(".your-answers li")).to_have_count(2)
    expect(dilemma.locator(".your-answers li").nth(1)).to_contain_text("Your revised answer")
    expect(dilemma.get_by_role("button", name="Revise my answer")).to_have_count(0)

    db = Database.from_url(url)
    with db.session(write=True) as session:
        create_user(session, username="teach", password=PASSWORD, role="instructor")
        session.commit()
    db.dispose()
    teacher.goto(f"{base}/login?next=/instructor")
    teacher.get_by_label("Username").fill("teach")
    teacher.get_by_label("Password").fill(PASSWORD)
    teacher.get_by_role("button", name="Log in").click()
    teacher.get_by_role("link", name="Peer discussion").click()
    reasons = teacher.locator(".discussion-reasons li")
    expect(reasons).to_have_count(4)
    expect(reasons.first).to_contain_text("Revised")
    expect(reasons.first).to_contain_text("Still the LSTM")
    battery = reasons.filter(has_text="Battery life matters")
    battery.get_by_role("button", name="Hide").click()
    battery = teacher.locator(".discussion-reasons li.hidden-reason")
    expect(battery).to_contain_text("hidden from students")
    expect(battery.get_by_role("button", name="Show")).to_be_visible()
    teacher.screenshot(path=artifacts / "peer-discussion-instructor.png", full_page=True)

    cat.reload()
    expect(cat.locator("form#d-phone .peer-reasons li")).to_have_count(1)
    expect(cat.locator("form#d-phone .peer-reasons")).not_to_contain_text("Battery life")

    # The item analysis of the same lesson, then every dilemma response as a spreadsheet.
    teacher.goto(f"{base}/instructor")
    teacher.get_by_role("link", name="Item analysis of Quiz lesson").click()
    expect(teacher.locator("h1")).to_have_text("Item analysis: Quiz lesson")
    expect(teacher.locator(".items-table")).to_be_visible()
    teacher.goto(f"{base}/instructor")
    with teacher.expect_download() as download:
        teacher.get_by_role("link", name="Dilemma responses (CSV)").click()
    saved = download.value.path()
    with open(saved, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_reason = {r["reason"]: r for r in rows}
    assert len(rows) == 4, "three first answers and cat's revision"
    assert by_reason["Battery life matters more than long reviews."]["hidden"] == "true"
    assert by_reason["Still the LSTM, but a small one fits."]["round"] == "2"
    assert {r["username"] for r in rows} == {"ann", "ben", "cat"}
    assert errors == []
    for context in contexts:
        context.close()
