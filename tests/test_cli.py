"""The parade command: check and import-seed (serve is exercised by the browser tests)."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from db_fixtures import running_server
from typer.testing import CliRunner

from app.cli import app
from app.config import get_settings
from app.content.folder import load_folder

runner = CliRunner()


def test_check_passes_on_the_repo_lessons(lessons_dir: Path) -> None:
    result = runner.invoke(app, ["check", str(lessons_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "lessons OK" in result.stderr


def test_check_prints_path_line_message_and_exits_1(
    lessons_dir: Path, make_lesson: Callable[..., Path]
) -> None:
    folder = make_lesson(root=lessons_dir, quiz="questions:\n  - id: q\n    type: single\n")
    (lessons_dir / "broken.txt").write_bytes(b"ANSWER\n\xff\n")
    result = runner.invoke(app, ["check", str(lessons_dir)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        f"{lessons_dir / 'broken.txt'}:2: not valid UTF-8 (byte 0xff); save the file as UTF-8"
        in lines
    )
    assert f"{folder / 'quiz.yaml'}:2: questions.0.prompt: Field required" in lines
    assert all(line.count(":") >= 2 for line in lines)
    assert result.stderr.strip() == f"{len(lines)} problems found"  # each once, on stdout


def test_check_reads_the_lessons_dir_setting(
    monkeypatch: pytest.MonkeyPatch, lessons_dir: Path
) -> None:
    monkeypatch.setenv("PARADE_LESSONS_DIR", str(lessons_dir / "missing"))
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["check"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{lessons_dir / 'missing'}: not a folder"


def test_import_seed_writes_a_lesson_folder(seed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "lessons" / "from-seed"
    result = runner.invoke(app, ["import-seed", str(seed_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["dilemmas.yaml", "lesson.md", "quiz.yaml"]
    lesson = load_folder(out)
    assert lesson.slug == "rnn-lesson" and len(lesson.sections) == 7
    assert lesson.invitation == "Listen to the answer"  # the seed's LESSON line is kept
    assert lesson.narrated == ("answer",)
    # a second import does not overwrite the instructor's edits
    again = runner.invoke(app, ["import-seed", str(seed_file), "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.stderr
    check = runner.invoke(app, ["check", str(out.parent)])
    assert check.exit_code == 0, check.output


def test_import_seed_in_the_lessons_folder_warns_of_the_duplicate_or_moves(
    monkeypatch: pytest.MonkeyPatch, lessons_dir: Path, seed_file: Path
) -> None:
    monkeypatch.setenv("PARADE_LESSONS_DIR", str(lessons_dir))
    get_settings.cache_clear()
    seed = lessons_dir / "rnn-lesson.txt"  # the conftest copy of the seed
    try:
        result = runner.invoke(app, ["import-seed", str(seed)])
        assert result.exit_code == 0, result.output
        assert "is still in the lessons folder" in result.stderr and "--move" in result.stderr
        check = runner.invoke(app, ["check", str(lessons_dir)])
        assert check.exit_code == 1 and "rnn-lesson" in check.stdout  # the duplicate slug
        moved = runner.invoke(app, ["import-seed", str(seed), "--force", "--move"])
        assert moved.exit_code == 0, moved.output
        assert not seed.exists() and (lessons_dir / "rnn-lesson" / "lesson.md").exists()
        assert runner.invoke(app, ["check", str(lessons_dir)]).exit_code == 0
    finally:
        get_settings.cache_clear()


def test_import_seed_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("   \n")
    result = runner.invoke(app, ["import-seed", str(bad), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{bad}:1: file is empty"
    assert not (tmp_path / "x").exists()


def test_serve_leaves_forwarded_headers_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn's own proxy-header reading believes X-Forwarded-For from any local peer; the app
    # reads it itself, only from PARADE_TRUSTED_PROXIES (app/web/clients.py).
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["proxy_headers"] is False


def test_serve_keeps_an_idle_connection_longer_than_clients_do(
    lessons_dir: Path, tmp_path: Path
) -> None:
    # With uvicorn's default (5 s) the server closes first, and a request racing that close
    # is lost (1 in ~17,000 in bench/load.py). Here one connection idles past 5 s, then asks.
    with running_server(lessons_dir, f"sqlite:///{tmp_path / 'ka.db'}", tmp_path) as base:
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/healthz")
        first = conn.getresponse()
        assert (first.status, first.read()) == (200, b'{"status":"ok"}')
        sock = conn.sock
        time.sleep(6)
        # On a connection the server had closed, this raises RemoteDisconnected (http.client
        # reopens a connection only when it knows the old one is gone, which it does not here).
        conn.request("GET", "/healthz")
        second = conn.getresponse()
        assert (second.status, second.read()) == (200, b'{"status":"ok"}')
        assert conn.sock is sock, "a new connection was opened"
        conn.close()
