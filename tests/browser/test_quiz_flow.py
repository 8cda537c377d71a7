"""A student in real Chromium: register, answer right and wrong, see the score after reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from db_fixtures import PASSWORD, running_server
from playwright.sync_api import Page, expect

from app.accounts.users import create_user
from app.config import PROJECT_ROOT
from app.db.database import Database


@pytest.fixture
def quiz_server(quiz_lessons: Path, tmp_path: Path) -> Iterator[str]:
    with running_server(quiz_lessons, f"sqlite:///{tmp_path / 'b.db'}", tmp_path) as base:
        yield base


def test_a_guest_sees_hints_then_the_explanation_after_the_last_wrong_try(
    page: Page, quiz_server: str, console_errors: list[str]
) -> None:
    page.goto(f"{quiz_server}/lessons/quizzy")
    single = page.locator("form#q-single[data-enhanced]")  # quiz.js has loaded
    attempts = single.locator(".attempts")
    expect(attempts).to_have_text("Guest: 3 tries — log in to keep your score")
    single.get_by_label("The weights").check()
    for used in (1, 2):
        single.get_by_role("button", name="Check answer").click()
        expect(attempts).to_have_text(
            f"Guest: used {used} of 3 tries · {3 - used} left — log in to keep your score"
        )
        expect(single.locator(".feedback .hints li")).to_have_count(used)
        expect(single.locator(".feedback")).not_to_contain_text("SECRET-single-explanation")
        expect(single.locator(".feedback")).to_be_focused()  # the result, for screen readers
    # The count is the server's: a reload shows the same tries used.
    page.reload()
    expect(attempts).to_have_text("Guest: used 2 of 3 tries · 1 left — log in to keep your score")
    page.locator("form#q-single[data-enhanced]").get_by_role("button", name="Check answer").click()
    expect(single.locator(".feedback .explanation")).to_contain_text("SECRET-single-explanation")
    expect(single.locator(".feedback .hints")).to_have_count(0)
    expect(attempts).to_have_text("Guest: finished · used 3 of 3 tries — log in to keep your score")
    expect(single.get_by_role("button", name="Check answer")).to_have_count(0)
    assert console_errors == []


def test_a_dilemma_commits_in_place_and_a_malformed_answer_keeps_the_form(
    page: Page, quiz_server: str, console_errors: list[str]
) -> None:
    page.goto(f"{quiz_server}/lessons/quizzy")
    dilemma = page.locator("form#d-phone[data-enhanced]")
    dilemma.get_by_label("An LSTM").check()
    dilemma.get_by_label("Why?").fill("Reviews are long.")  # a guest needn't say how sure
    dilemma.get_by_role("button", name="Commit to this choice").click()
    expect(dilemma.locator(".commentary")).to_contain_text("SECRET-commentary")
    expect(dilemma.locator(".feedback")).to_be_focused()  # the result, for screen readers
    expect(dilemma.locator(".tradeoffs .chosen")).to_contain_text("An LSTM")
    expect(dilemma.get_by_role("button", name="Change my choice")).to_be_visible()
    expect(dilemma.locator(".notice")).to_contain_text("your answer isn't kept")
    expect(dilemma.locator(".peer-reasons, .class-choices")).to_have_count(0)
    number = page.locator("form#q-num[data-enhanced]")
    number.get_by_label("Your answer").fill("lots")
    number.get_by_role("button", name="Check answer").click()
    expect(number.locator(".form-error")).to_contain_text("Write a number")
    expect(number.locator(".form-error")).to_be_focused()  # what went wrong, for the keyboard
    expect(number.get_by_label("Your answer")).to_have_value("lots")  # what was typed stays
    # Chromium logs the refused answer's 422 itself; nothing else may be logged.
    assert [e for e in console_errors if "status of 422" not in e] == []


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
    expect(page.locator("form#q-single[data-enhanced]")).to_have_count(1)  # quiz.js has loaded
    single = page.locator("form#q-single")
    single.get_by_label("The hidden state").check()
    single.get_by_role("group", name="How sure are you?").get_by_label("Certain").check()
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
    tf.get_by_label("Certain", exact=True).press("Space")  # by keyboard too
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
    expect(page.locator("form#q-tf[data-enhanced]")).to_have_count(1)
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
    expect(page.locator("#calibration li")).to_have_text(
        ["When you were certain, you were right 1 time out of 2."]
    )
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
    expect(page.locator(".feedback.correct")).to_contain_text("SECRET-order-explanation")
    expect(page.locator(".feedback .notice")).to_contain_text("not logged in")
    page.screenshot(path=artifacts / "quiz-no-js.png", full_page=True)


@pytest.fixture
def browser_without_js(browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()


# --- the instructor's class overview on the real RNN lesson ------------------------------------

# (question id, answers tried in order) per student: wrong options with misconceptions first.
CLASS_ANSWERS = [
    {"rnn-memory": ["weights", "hidden"], "whh-shape": ["h-by-d"], "clipping-vanishing": [True]},
    {"rnn-memory": ["weights", "buffer"], "whh-shape": ["h-by-h"], "clipping-vanishing": [False]},
    {"rnn-memory": ["buffer", "hidden"], "whh-shape": ["h-by-d", "h-by-h"]},
    {"rnn-memory": ["hidden"], "whh-shape": ["d-by-d"], "clipping-vanishing": [True]},
    {"rnn-memory": ["weights"], "rnn-param-count": [620, 640]},
]
CLASS_CHOICES = ["lstm", "gru", "gru", "plain-rnn", "gru"]


@pytest.fixture
def rnn_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'class.db'}"
    with running_server(PROJECT_ROOT / "lessons", url, tmp_path) as base:
        yield base, url


def test_instructor_sees_what_the_class_got_wrong(
    page: Page, rnn_server: tuple[str, str], artifacts: Path, console_errors: list[str]
) -> None:
    base, url = rnn_server
    for i, (answers, choice) in enumerate(zip(CLASS_ANSWERS, CLASS_CHOICES, strict=True)):
        with httpx.Client(base_url=base, timeout=30) as student:
            token = student.get("/api/auth/csrf").json()["csrf_token"]
            student.headers["X-CSRFToken"] = token
            body = {"username": f"student{i}", "password": PASSWORD}
            assert student.post("/api/auth/register", json=body).status_code == 201
            student.headers["X-CSRFToken"] = student.cookies["csrftoken"]  # rotated at login
            for qid, tries in answers.items():
                for a in tries:
                    slug = "rnn-training" if qid == "clipping-vanishing" else "rnn"
                    path = f"/api/lessons/{slug}/quiz/{qid}/attempts"
                    assert student.post(path, json={"answer": a}).status_code == 200
            path = "/api/lessons/rnn-gated/dilemmas/phone-reviews/responses"
            body = {"choice": choice, "reason": f"reason {i}", "confidence": 3}
            assert student.post(path, json=body).status_code == 200
    db = Database.from_url(url)
    with db.session(write=True) as session:
        create_user(session, username="teach", password=PASSWORD, role="instructor")
    db.dispose()

    page.goto(f"{base}/login?next=/instructor")
    page.get_by_label("Username").fill("teach")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Class overview")
    memory = page.locator("tr[data-question=rnn-memory]")
    expect(memory.locator(".wrong-answers li").first).to_contain_text("×3")
    expect(memory.locator(".wrong-answers .slip").first).to_contain_text("learned parameters")
    split = page.locator(".stats-dilemma[data-dilemma=phone-reviews]")
    expect(split).to_contain_text("5 students")
    expect(split.locator(".choice-split li").nth(2)).to_contain_text("3 · 60%")
    page.screenshot(path=artifacts / "instructor-overview.png", full_page=True)
    split.screenshot(path=artifacts / "instructor-dilemma.png")
    memory.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "instructor-overview-top.png", full_page=False)
    assert console_errors == []


def test_engine_question_in_the_real_lesson(
    page: Page, rnn_server: tuple[str, str], artifacts: Path
) -> None:
    base, _ = rnn_server
    page.goto(f"{base}/register?next=/lessons/rnn")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    form = page.locator("form#q-compute-h1-2-unit[data-enhanced]")  # quiz.js has loaded
    expect(form.locator("table.matrix caption")).to_have_text(
        ["W_ih", "b_ih", "W_hh", "b_hh", "h_0", "x_1"]
    )
    form.get_by_label("h₁[0]").fill("0.5")
    form.get_by_label("h₁[1]").fill("0.5")
    form.get_by_role("button", name="Check answer").click()
    expect(form.locator(".feedback")).to_contain_text("Not quite.")
    expect(form.locator(".attempts")).to_have_text("Used 1 of 3 tries · 2 left")
    form.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "engine-question.png", full_page=False)
