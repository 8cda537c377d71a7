"""Account care in Chromium, without JavaScript help: an instructor makes a reset code, the
student sets a new password with it, and a logged-in student changes theirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import PASSWORD, running_server
from playwright.sync_api import Page, expect

from app.accounts.users import create_user
from app.config import PROJECT_ROOT
from app.db.database import Database

NEW = "a brand new passphrase"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'care.db'}"
    with running_server(PROJECT_ROOT / "lessons", url, tmp_path) as base:
        db = Database.from_url(url)
        with db.session(write=True) as session:
            create_user(session, username="teach", password=PASSWORD, role="instructor")
        with db.session(write=True) as session:
            create_user(session, username="ada", password=PASSWORD)
        db.dispose()
        yield base


def log_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_reset_code_from_instructor_to_student(
    page: Page, server: str, artifacts: Path, console_errors: list[str]
) -> None:
    log_in(page, server, "teach")
    page.get_by_role("link", name="teach").click()
    expect(page.locator("h1")).to_have_text("Your account")
    page.get_by_label("Student's username").fill("ada")
    page.get_by_role("button", name="Make a reset code").click()
    code = page.locator(".issued-code .reset-code").inner_text()
    page.screenshot(path=str(artifacts / "account-instructor-code.png"), full_page=True)
    page.get_by_role("button", name="Log out", exact=True).click()

    page.goto(f"{server}/login")
    page.get_by_role("link", name="Set a new one with a code from your instructor").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Reset code").fill(code.lower())
    page.get_by_label("New password").fill(NEW)
    page.get_by_role("button", name="Set new password").click()
    expect(page.locator(".notice")).to_contain_text("Your password is changed")
    page.screenshot(path=str(artifacts / "account-reset-done.png"), full_page=True)
    log_in(page, server, "ada", NEW)
    expect(page.get_by_role("link", name="ada")).to_be_visible()
    assert console_errors == []


def test_change_password_at_320px(
    page: Page, server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, server, "ada")
    page.goto(f"{server}/account")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".notice")).to_contain_text("Your password is changed")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, "nothing scrolls sideways"
    page.screenshot(path=str(artifacts / "account-320.png"), full_page=True)
    page.get_by_role("button", name="Log out everywhere").click()
    expect(
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Log in")
    ).to_be_visible()
    assert console_errors == []


def test_a_refused_login_puts_the_focus_on_what_went_wrong(page: Page, server: str) -> None:
    page.goto(f"{server}/login")
    expect(page.get_by_label("Username")).to_be_focused()  # a fresh form starts at its field
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    error = page.locator(".auth-form .form-error")
    expect(error).to_be_visible()
    expect(error).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()  # then on into the form
