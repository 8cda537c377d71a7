"""The strict CSP breaks nothing: every page, the lesson with all its widgets and the API
docs run with no CSP violation (recorded by the browser's securitypolicyviolation event)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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
