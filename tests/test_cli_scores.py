"""`parade scores export`: the same CSV as the download, to a file or standard output, and a
plain message with exit code 2 for an unknown lesson or export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import attempt, register
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings, get_settings
from app.db.database import Database
from app.db.models import User
from app.main import create_app

runner = CliRunner()


@pytest.fixture
def env(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("PARADE_DATABASE_URL", db_settings.database_url)
    monkeypatch.setenv("PARADE_LESSONS_DIR", str(db_settings.lessons_dir))
    get_settings.cache_clear()
    yield db_settings
    get_settings.cache_clear()


@pytest.fixture
def teach(env: Settings) -> Iterator[TestClient]:
    """An instructor's client; ada has answered twice, one reason starts with =."""
    with TestClient(create_app(env)) as ada, TestClient(create_app(env)) as teach:
        register(ada, "ada")
        attempt(ada, "single", "weights")
        attempt(ada, "word", "=SUM(A1)")
        register(teach, "teach")
        db = Database.from_url(env.database_url)
        with db.session(write=True) as s:
            s.execute(update(User).where(User.username == "teach").values(role="instructor"))
            s.commit()
        db.dispose()
        yield teach


@pytest.mark.parametrize("what", ["gradebook", "attempts", "dilemmas"])
def test_export_to_stdout_and_file_equals_the_download(
    teach: TestClient, tmp_path: Path, what: str
) -> None:
    result = runner.invoke(app, ["scores", "export", "--lesson", "quizzy", "--what", what])
    assert result.exit_code == 0, result.output
    downloaded = teach.get(f"/instructor/lessons/quizzy/export/{what}.csv").text
    assert result.stdout_bytes.decode("utf-8") == downloaded
    out = tmp_path / "out.csv"
    args = ["scores", "export", "--lesson", "quizzy", "--what", what, "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    assert out.read_bytes().decode("utf-8") == downloaded
    rows = list(csv.reader(io.StringIO(downloaded, newline="")))
    assert rows[0][0] == "username"
    if what != "dilemmas":
        assert [r[0] for r in rows[1:]][:1] == ["ada"]
    if what == "attempts":
        assert any(r[7] == "'=sum(a1)" for r in rows), "the typed formula is neutralized"


def test_the_course_gradebook_equals_the_download(teach: TestClient, tmp_path: Path) -> None:
    out = tmp_path / "course.csv"
    result = runner.invoke(app, ["scores", "export", "--what", "course", "-o", str(out)])
    assert result.exit_code == 0, result.output
    downloaded = teach.get("/instructor/export/course-gradebook.csv").text
    assert out.read_bytes().decode("utf-8") == downloaded
    rows = list(csv.reader(io.StringIO(downloaded, newline="")))
    assert rows[0][:6] == [
        "username",
        "score",
        "max_score",
        "percent",
        "quizzy score",
        "quizzy max_score",
    ]
    (ada,) = [r for r in rows[1:] if r[0] == "ada"]
    assert ada[1] == ada[4] and ada[3] == repr(round(100 * float(ada[1]) / int(ada[2]), 1))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lesson", "nope"], "No lesson called 'nope'"),
        (["--lesson", "quizzy", "--what", "grades"], "--what must be one of"),
        (["--what", "gradebook"], "--lesson is needed (lessons: quizzy)"),
        (["--lesson", "quizzy", "--what", "course"], "leave out --lesson"),
    ],
)
def test_bad_lesson_or_export_is_a_plain_exit_2(
    env: Settings, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["scores", "export", *args])
    assert result.exit_code == 2
    assert message in result.stderr
