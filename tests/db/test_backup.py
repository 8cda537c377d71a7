"""`parade db backup` and `parade db restore` (app/db/backup.py), as docs/deploy.md tells an
operator to use them: a class's data survives losing the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import PG_URL, attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings, get_settings
from app.main import create_app

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def whole_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own (pg_dump copies a whole database, not one test's schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'class.db'}"
        return
    if not PG_URL:
        pytest.skip("PARADE_TEST_DATABASE_URL is not set")
    name = f"backup_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def settings(whole_database: str, quiz_lessons: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PARADE_DATABASE_URL", whole_database)
    get_settings.cache_clear()
    return Settings(
        lessons_dir=quiz_lessons,
        database_url=whole_database,
        secret_key="test-secret-key-" + "x" * 32,
        watch_lessons=False,
    )


def lose_everything(url: str) -> None:
    """The disaster: the SQLite file is gone, or the PostgreSQL database is dropped and
    created again empty."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sa_url.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {sa_url.database} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {sa_url.database}"))
    admin.dispose()


def test_a_backup_taken_while_the_class_works_restores_every_answer(
    settings: Settings, tmp_path: Path
) -> None:
    backup = tmp_path / "class.backup"
    with TestClient(create_app(settings)) as client:  # the server runs during the backup
        register(client, "ada")
        assert attempt(client, "tf", False).status_code == 200
        result = runner.invoke(app, ["db", "backup", str(backup)])
        assert result.exit_code == 0, result.output
        assert attempt(client, "num", 640).status_code == 200  # after the backup: not in it

    lose_everything(settings.database_url)
    result = runner.invoke(app, ["db", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.stdout

    with TestClient(create_app(settings)) as client:
        login = {"username": "ada", "password": "a long enough passphrase"}
        assert client.post("/api/auth/login", json=login, headers=csrf(client)).status_code == 200
        quiz = client.get("/api/lessons/quizzy/quiz").json()
        progress = {item["question"]["id"]: item["progress"] for item in quiz}
        assert progress["tf"]["finished"] and progress["tf"]["best_score"] == 1
        assert progress["num"]["tries"] == 0


def test_restore_will_not_overwrite_data_unless_asked(settings: Settings, tmp_path: Path) -> None:
    backup = tmp_path / "class.backup"
    with TestClient(create_app(settings)) as client:
        register(client, "ada")
    assert runner.invoke(app, ["db", "backup", str(backup)]).exit_code == 0
    with TestClient(create_app(settings)) as client:
        register(client, "grace")  # after the backup

    refused = runner.invoke(app, ["db", "restore", str(backup)])
    assert refused.exit_code == 2 and "--replace" in refused.output
    with TestClient(create_app(settings)) as client:  # nothing changed
        login = {"username": "grace", "password": "a long enough passphrase"}
        assert client.post("/api/auth/login", json=login, headers=csrf(client)).status_code == 200

    replaced = runner.invoke(app, ["db", "restore", "--replace", str(backup)])
    assert replaced.exit_code == 0, replaced.output
    with TestClient(create_app(settings)) as client:
        login = {"username": "grace", "password": "a long enough passphrase"}
        assert client.post("/api/auth/login", json=login, headers=csrf(client)).status_code == 401


def test_bad_backups_are_refused_in_plain_words(settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings)):
        pass
    existing = tmp_path / "taken.backup"
    existing.write_text("an earlier backup")
    result = runner.invoke(app, ["db", "backup", str(existing)])
    assert result.exit_code == 2 and "exists already" in result.output
    assert existing.read_text() == "an earlier backup"

    result = runner.invoke(app, ["db", "restore", "--replace", str(existing)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "not a Parade SQLite backup" in result.output or "pg_restore failed" in result.output
    result = runner.invoke(app, ["db", "restore", "--replace", str(tmp_path / "missing.backup")])
    assert result.exit_code == 2 and "is not a file" in result.output
