"""Editing lesson files while the server runs: changes show without a restart."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import log_in_instructor


def wait_for(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_running_server_picks_up_edits_and_survives_bad_ones(
    settings: Settings, make_lesson: Callable[..., Path]
) -> None:
    folder = make_lesson(root=settings.lessons_dir)
    live = settings.model_copy(update={"watch_lessons": True, "watch_debounce_ms": 50})

    def title() -> str:
        return str(client.get("/api/lessons/mini").json()["title"])

    app = create_app(live)
    with TestClient(app) as client:
        log_in_instructor(client, app)  # lesson-file problems are listed for instructors
        assert title() == "Mini lesson"
        md = folder / "lesson.md"
        md.write_text(md.read_text().replace("title: Mini lesson", "title: Edited live"))
        assert wait_for(lambda: title() == "Edited live"), "edit not picked up"

        (folder / "quiz.yaml").write_text("questions:\n  - id: [\n")  # a broken save
        assert wait_for(lambda: "quiz.yaml:3" in client.get("/status").text)
        assert title() == "Edited live"  # last good version still served
        assert client.get("/lessons/mini").status_code == 200

        new = make_lesson(
            root=settings.lessons_dir,
            name="second",
            lesson_md="---\ntitle: Second\nslug: second\n---\n## A\n",
        )
        assert new.exists()
        assert wait_for(lambda: client.get("/api/lessons/second").status_code == 200)
