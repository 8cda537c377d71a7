"""The API docs work offline: Swagger UI comes from our static files."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def test_swagger_ui_lists_the_api(
    page: Page, live_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server}/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/engine/trace" in paths and "/api/lessons/{slug}" in paths
    page.screenshot(path=artifacts / "api-docs.png")
    assert console_errors == []
