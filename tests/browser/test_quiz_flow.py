"""A student in real Chromium: register, answer right and wrong, see the score after reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import PASSWORD, running_server
from playwright.sync_api import Page, expect


@pytest.fixture
def quiz_server(quiz_lessons: Path, tmp_path: Path) -> Iterator[str]:
    with running_server(quiz_lessons, f"sqlite:///{tmp_path / 'b.db'}", tmp_path) as base:
        yield base


def test_register_answer_and_see_progress(
    page: Page, quiz_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.goto(f"{quiz_server}/lessons/quizzy")
    expect(page.locator(".guest-notice")).to_be_visible()
    page.locator(".guest-notice").get_by_role("link", name="register").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{quiz_server}/lessons/quizzy")
    expect(page.locator(".site-nav .who")).to_have_text("ada")

    # Right on the first try: feedback appears in place (quiz.js), with the explanation.
    single = page.locator("form#q-single")
    single.get_by_label("The hidden state").check()
    single.get_by_role("button", name="Check answer").click()
    feedback = single.locator(".feedback")
    expect(feedback).to_contain_text("Correct!")
    expect(feedback).to_contain_text("SECRET-single-explanation")
    expect(single.get_by_role("button", name="Check answer")).to_have_count(0)
    expect(single.locator(".q-badge")).to_have_text("Answered right")
    expect(page.locator(".quiz-summary")).to_have_text("1 of 7 finished · score 1 / 7")

    # Wrong: the option's feedback and the first hint, tries left, no explanation yet.
    tf = page.locator("form#q-tf")
    tf.get_by_label("True").check()
    tf.get_by_role("button", name="Check answer").click()
    expect(tf.locator(".feedback")).to_contain_text("Not quite.")
    expect(tf.locator(".feedback")).to_contain_text("SECRET-tf-feedback")
    expect(tf.locator(".attempts")).to_have_text("Used 1 of 3 tries · 2 left")
    expect(tf.locator(".feedback")).not_to_contain_text("SECRET-tf-explanation")
    single.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "quiz-feedback.png", full_page=False)

    # Reloading shows where the student left off, rendered by the server.
    page.reload()
    expect(page.locator(".quiz-summary")).to_have_text("1 of 7 finished · score 1 / 7")
    expect(single.locator(".q-badge")).to_have_text("Answered right")
    expect(single.locator(".feedback")).to_contain_text("SECRET-single-explanation")
    expect(single.get_by_role("button", name="Check answer")).to_have_count(0)
    expect(single.get_by_label("The hidden state")).to_be_checked()
    expect(tf.locator(".attempts")).to_have_text("Used 1 of 3 tries · 2 left")
    expect(tf.locator(".feedback")).to_contain_text("SECRET-tf-feedback")
    expect(tf.locator(".feedback")).not_to_contain_text("SECRET-tf-explanation")
    expect(tf.get_by_label("True")).to_be_checked()
    # Finishing it after the reload keeps the summary in step (quiz.js).
    tf.get_by_label("False").check()
    tf.get_by_role("button", name="Check answer").click()
    expect(tf.locator(".feedback")).to_contain_text("SECRET-tf-explanation")
    expect(page.locator(".quiz-summary")).to_have_text("2 of 7 finished · score 1.5 / 7")
    tf.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "quiz-state-after-reload.png", full_page=False)
    page.reload()
    expect(page.locator(".quiz-summary")).to_have_text("2 of 7 finished · score 1.5 / 7")

    page.get_by_role("link", name="My progress").click()
    expect(page.locator("h1")).to_have_text("My progress")
    expect(page.locator("#progress-quizzy .score")).to_have_text("1.50")
    expect(page.locator("tr[data-question=single]")).to_contain_text("Correct")
    expect(page.locator("tr[data-question=tf]")).to_contain_text("Correct")
    page.screenshot(path=artifacts / "my-progress.png", full_page=True)

    # Logging out ends the session; logging back in shows the same scores.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{quiz_server}/me/progress")
    expect(page.locator("h1")).to_have_text("Log in")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#progress-quizzy .score")).to_have_text("1.50")
    assert console_errors == []


def test_quiz_works_without_javascript(
    browser_without_js: Page, quiz_server: str, artifacts: Path
) -> None:
    page = browser_without_js
    page.goto(f"{quiz_server}/lessons/quizzy")
    order = page.locator("form#q-order")
    order.get_by_label("Position of: Project the input").select_option("1")
    order.get_by_label("Position of: Add the recurrent term").select_option("2")
    order.get_by_label("Position of: Apply tanh").select_option("3")
    order.get_by_role("button", name="Check answer").click()
    expect(page.locator(".attempt-result.correct")).to_contain_text("SECRET-order-explanation")
    expect(page.locator(".attempt-result .notice")).to_contain_text("not logged in")
    page.screenshot(path=artifacts / "quiz-no-js.png", full_page=True)


@pytest.fixture
def browser_without_js(browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()
