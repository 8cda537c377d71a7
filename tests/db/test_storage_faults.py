"""Storage that fails loudly: a missing SQLite file, a read-only database or a full disk give
a clear 503 (page or JSON) and a log line, never a 200 for a lost write; /readyz proves
storage by a real write read back, while /healthz only says the process answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from db_fixtures import csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.config import Settings
from app.db.database import STORAGE_DOWN, Database
from app.main import create_app


@pytest.fixture
def sqlite_settings(quiz_lessons: Path, tmp_path: Path) -> Settings:
    return Settings(
        lessons_dir=quiz_lessons,
        database_url=f"sqlite:///{tmp_path / 'data' / 'parade.db'}",
        secret_key="test-secret-key-" + "x" * 32,
        watch_lessons=False,
    )


@pytest.fixture
def client(sqlite_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings)) as client:
        yield client


def answer(client: TestClient) -> int:
    return client.post(
        "/api/lessons/quizzy/quiz/single/attempts",
        json={"answer": "hidden"},
        headers=csrf(client),
    ).status_code


def test_readyz_writes_and_reads_back(client: TestClient) -> None:
    assert client.get("/readyz").json() == {"status": "ok"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_deleted_database_file_refuses_writes_with_503(
    client: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    register(client, "ada")
    for f in (tmp_path / "data").iterdir():
        f.unlink()
    assert answer(client) == 503, "a write to a deleted file would be lost: not a 200"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"detail": STORAGE_DOWN}, "a probe reads JSON, failing or not"
    page = client.post(
        "/lessons/quizzy/quiz/single",
        data={"answer": "hidden", "csrf_token": csrf(client)["X-CSRFToken"]},
    )
    assert page.status_code == 503 and "nothing you sent was saved" in page.text
    assert "storage failed" in caplog.text


def test_a_full_disk_is_a_503_not_a_500(client: TestClient) -> None:
    # Each student answers a dilemma twice at most (a first answer and one revision), so
    # many students fill the disk; all sign up before it is capped.
    students = [TestClient(client.app) for _ in range(25)]
    for i, student in enumerate(students):
        register(student, f"student{i}")
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    engine.dispose()

    # SQLite's own "database or disk is full", from a file capped at a few more pages.
    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    statuses = []
    for student in students * 2:
        response = student.post(
            "/api/lessons/quizzy/dilemmas/phone/responses",
            json={"choice": "lstm", "reason": "x" * 2000, "confidence": 3},
            headers=csrf(student),
        )
        statuses.append(response.status_code)
        if response.status_code != 200:
            break
    assert statuses[-1] == 503 and set(statuses) == {200, 503}, statuses
    assert response.json()["detail"] == STORAGE_DOWN
    assert response.headers["retry-after"] == "60"


def test_a_read_only_database_is_a_503(
    sqlite_settings: Settings, client: TestClient, tmp_path: Path
) -> None:
    register(client, "ada")
    path = tmp_path / "data" / "parade.db"
    read_only = sqlite_settings.model_copy(
        update={
            "database_url": f"sqlite:///file:{path}?mode=ro&uri=true",
            "migrate_on_startup": False,
        }
    )
    with TestClient(create_app(read_only)) as ro:
        assert ro.get("/lessons/quizzy").status_code == 200, "reading still works"
        assert answer(ro) == 503
        assert ro.get("/readyz").status_code == 503


@pytest.mark.parametrize("path", ["/me/progress", "/lessons/quizzy", "/api/me/progress"])
def test_a_logged_in_page_with_the_database_unreachable_is_a_plain_503(
    make_client: Callable[[], TestClient], database_url: str, path: str
) -> None:
    """The database goes away under a running app (PostgreSQL refusing connections, or the
    SQLite file's folder gone): a logged-in student's next page is the storage page, in
    HTML (or JSON for the API), never a bare 500, because the error handlers query nothing."""
    student = make_client()
    register(student, "ada")
    app = student.app
    gone = (
        "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1
        if database_url.startswith("postgresql")
        else f"sqlite:///{Path(database_url.removeprefix('sqlite:///')).parent}/gone/parade.db"
    )
    app.state.db.dispose()  # type: ignore[attr-defined]
    app.state.db = Database.from_url(gone)  # type: ignore[attr-defined]
    page = student.get(path)
    assert page.status_code == 503
    if path.startswith("/api/"):
        assert page.json() == {"detail": STORAGE_DOWN}
    else:
        assert page.headers["content-type"].startswith("text/html")
        assert "nothing you sent was saved" in page.text and "Traceback" not in page.text
