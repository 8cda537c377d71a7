"""The parade command's database and account subcommands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from db_fixtures import PASSWORD, csrf
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings, get_settings
from app.db.database import Database
from app.db.migrate import HEAD, current_revision
from app.db.models import User
from app.main import create_app

runner = CliRunner()


@pytest.fixture
def env_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("PARADE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_db_upgrade_and_current(env_database: str) -> None:
    assert runner.invoke(app, ["db", "current"]).stdout.startswith("empty")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert HEAD in result.stdout
    assert current_revision(env_database) == HEAD


def test_user_add_instructor_from_stdin_then_log_in(
    env_database: str, db_settings: Settings
) -> None:
    result = runner.invoke(app, ["user", "add", "Teach", "--instructor"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "created instructor teach" in result.stdout
    db = Database.from_url(env_database)
    with db.session(write=False) as s:
        user = s.scalar(select(User))
    db.dispose()
    assert user is not None and user.role == "instructor"
    assert user.password_hash.startswith("$argon2id$")
    with TestClient(create_app(db_settings)) as client:
        body = {"username": "teach", "password": PASSWORD}
        assert client.post("/api/auth/login", json=body, headers=csrf(client)).status_code == 200
        assert client.get("/api/me").json() == {"username": "teach", "role": "instructor"}
        assert client.get("/instructor").status_code == 200


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [("ok-name", "short", "at least 8"), ("x", PASSWORD, "Usernames are")],
)
def test_user_add_refuses_bad_input(
    env_database: str, name: str, password: str, message: str
) -> None:
    result = runner.invoke(app, ["user", "add", name], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.stderr


def test_user_add_twice_fails(env_database: str) -> None:
    assert runner.invoke(app, ["user", "add", "ada"], input=PASSWORD + "\n").exit_code == 0
    result = runner.invoke(app, ["user", "add", "ada"], input=PASSWORD + "\n")
    assert result.exit_code == 1 and "taken" in result.stderr


def _user(url: str, name: str) -> User | None:
    db = Database.from_url(url)
    with db.session(write=False) as s:
        user = s.scalar(select(User).where(User.username == name))
    db.dispose()
    return user


def test_user_set_role_promotes_and_demotes(env_database: str) -> None:
    assert runner.invoke(app, ["user", "add", "ada"], input=PASSWORD + "\n").exit_code == 0
    result = runner.invoke(app, ["user", "set-role", "Ada", "instructor"])
    assert result.exit_code == 0, result.output
    assert "ada is now an instructor" in result.stdout
    assert _user(env_database, "ada").role == "instructor"  # type: ignore[union-attr]
    assert runner.invoke(app, ["user", "set-role", "ada", "student"]).exit_code == 0
    assert _user(env_database, "ada").role == "student"  # type: ignore[union-attr]


def test_user_commands_refuse_unknown_users_and_roles(env_database: str) -> None:
    result = runner.invoke(app, ["user", "set-role", "nobody", "instructor"])
    assert result.exit_code == 2 and "no user called 'nobody'" in result.stderr
    result = runner.invoke(app, ["user", "reset-password", "nobody"], input=PASSWORD + "\n")
    assert result.exit_code == 2 and "no user called 'nobody'" in result.stderr
    assert runner.invoke(app, ["user", "add", "ada"], input=PASSWORD + "\n").exit_code == 0
    result = runner.invoke(app, ["user", "set-role", "ada", "admin"])
    assert result.exit_code == 2 and "student" in result.stderr


def test_user_reset_password_ends_sessions_and_new_password_works(
    env_database: str, db_settings: Settings
) -> None:
    assert runner.invoke(app, ["user", "add", "ada"], input=PASSWORD + "\n").exit_code == 0
    with TestClient(create_app(db_settings)) as client:
        body = {"username": "ada", "password": PASSWORD}
        assert client.post("/api/auth/login", json=body, headers=csrf(client)).status_code == 200
        new = "a brand new passphrase"
        result = runner.invoke(
            app, ["user", "reset-password", "ada", "--password-stdin"], input=new + "\n"
        )
        assert result.exit_code == 0, result.output
        assert client.get("/api/me").status_code == 401, "the old session ended"
        assert client.post("/api/auth/login", json=body, headers=csrf(client)).status_code == 401
        body["password"] = new
        assert client.post("/api/auth/login", json=body, headers=csrf(client)).status_code == 200
    result = runner.invoke(app, ["user", "reset-password", "ada"], input="short\n")
    assert result.exit_code == 1 and "at least 8" in result.stderr
