"""The strict CSP breaks nothing: every page, as a guest, a student and an instructor, the
lessons with all their widgets and the API docs run with no CSP violation (recorded by the
browser's securitypolicyviolation event)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import class_server, log_in

__all__ = ["class_server"]  # the module-scoped server with a class, shared by import

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


@pytest.mark.parametrize("path", ["/", "/lessons/rnn", "/login", "/register", "/reset", "/docs"])
def test_no_csp_violation(
    page: Page, live_server: str, path: str, console_errors: list[str]
) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    if path == "/docs":
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
    if path == "/lessons/rnn":
        expect(page.locator(".widget").first).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []


# Every HTML page a student or an instructor can open (the GET routes of app/routes/*_pages.py
# that answer with a page, their slugs filled in), each lesson included.
LESSONS = ["rnn", "rnn-training", "rnn-gated", "rnn-generation"]
STUDENT_PAGES = [*(f"/lessons/{slug}" for slug in LESSONS), "/me/progress", "/me/record"]
STUDENT_PAGES += ["/account", "/status"]
INSTRUCTOR_PAGES = ["/instructor", "/instructor/gradebook", "/account"]
INSTRUCTOR_PAGES += [
    f"/instructor/lessons/{slug}/{view}"
    for slug in ("rnn", "rnn-gated")
    for view in ("gradebook", "items", "dilemmas")
]


@pytest.mark.parametrize(("who", "paths"), [("ada", STUDENT_PAGES), ("teach", INSTRUCTOR_PAGES)])
def test_no_csp_violation_once_logged_in(
    page: Page, class_server: str, who: str, paths: list[str], console_errors: list[str]
) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, class_server, who, paths[0])
    if who == "teach":  # a student's record, linked from the lesson gradebook
        page.goto(f"{class_server}/instructor/lessons/rnn/gradebook")
        page.get_by_role("link", name="ada").first.click()
        expect(page).to_have_url(re.compile(r"/instructor/students/\d+"))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], page.url
    for path in paths:
        page.goto(f"{class_server}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
    assert [e for e in console_errors if "Content Security Policy" in e] == []
