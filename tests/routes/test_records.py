"""Students' records: the instructor's view of any student, a student's view of their own
only, and stored text shown as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from db_fixtures import attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.config import Settings
from app.db.database import Database
from app.db.models import User

XSS_REASON = "<script>alert('reason')</script>"
XSS_ANSWER = "<img src=x onerror=alert(1)>"


def run_sql(settings: Settings, stmt: object) -> object:
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        out = s.execute(stmt)  # type: ignore[call-overload]
        value = out.scalar() if out.returns_rows else None
        s.commit()
    db.dispose()
    return value


@pytest.fixture
def people(make_client: Callable[[], TestClient], db_settings: Settings) -> dict[str, TestClient]:
    """ada answered (one text answer and one reason are markup), bob answered once, teach is
    an instructor, and a guest answered."""
    clients = {n: make_client() for n in ("ada", "bob", "teach", "guest")}
    for n in ("ada", "bob", "teach"):
        register(clients[n], n)
    run_sql(db_settings, update(User).where(User.username == "teach").values(role="instructor"))
    ada = clients["ada"]
    attempt(ada, "single", "weights")
    attempt(ada, "single", "hidden")
    attempt(ada, "word", XSS_ANSWER)
    body = {"choice": "lstm", "reason": XSS_REASON, "confidence": 4}
    r = ada.post("/api/lessons/quizzy/dilemmas/phone/responses", json=body, headers=csrf(ada))
    assert r.status_code == 200
    attempt(clients["bob"], "tf", True)
    attempt(clients["guest"], "tf", False)
    return clients


def ids(settings: Settings) -> dict[str, int]:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        found = {u.username: u.id for u in s.scalars(select(User))}
        guests = [u.id for u in s.scalars(select(User).where(User.role == "guest"))]
    db.dispose()
    return {**found, "guest": guests[0]}


def record_rows(html: str) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        (tr["data-question"], tr["data-try"], " ".join(tr.select_one("td.answer").text.split()))
        for tr in soup.select("tr[data-question]")
    ]


def test_instructor_sees_a_students_full_record_with_the_feedback_they_got(
    people: dict[str, TestClient], db_settings: Settings
) -> None:
    who = ids(db_settings)
    response = people["teach"].get(f"/instructor/students/{who['ada']}")
    assert response.status_code == 200
    assert record_rows(response.text) == [
        ("single", "1", "The weights"),
        ("single", "2", "The hidden state"),
        ("word", "1", XSS_ANSWER.casefold()),
    ]
    soup = BeautifulSoup(response.text, "html.parser")
    first = soup.select_one('tr[data-question="single"][data-try="1"] td.said')
    assert first is not None and "SECRET-single-feedback" in first.text
    dilemma = soup.select_one('tr[data-dilemma="phone"]')
    assert dilemma is not None and "An LSTM" in dilemma.text and XSS_REASON in dilemma.text


def test_stored_markup_is_shown_as_text(
    people: dict[str, TestClient], db_settings: Settings
) -> None:
    who = ids(db_settings)
    pages = [
        people["teach"].get(f"/instructor/students/{who['ada']}").text,
        people["ada"].get("/me/record").text,
    ]
    for html in pages:
        main = BeautifulSoup(html, "html.parser").select_one("main")
        assert main is not None
        assert main.select("script") == [] and main.select("img") == []
        assert "&lt;script&gt;" in html


def test_a_student_sees_only_their_own_record(
    people: dict[str, TestClient], db_settings: Settings
) -> None:
    who = ids(db_settings)
    bob = people["bob"]
    for uid in (who["ada"], who["bob"], who["teach"]):
        assert bob.get(f"/instructor/students/{uid}").status_code == 403
    for path in (
        "/instructor/lessons/quizzy/gradebook",
        "/instructor/lessons/quizzy/export/attempts.csv",
        "/instructor/lessons/quizzy/export/dilemmas.csv",
        "/instructor/lessons/quizzy/export/gradebook.csv",
    ):
        assert bob.get(path).status_code == 403, path
    mine = bob.get("/me/record")
    assert record_rows(mine.text) == [("tf", "1", "True")]
    assert "weights" not in mine.text and "ada" not in mine.text
    rows = list(csv.DictReader(io.StringIO(bob.get("/me/record.csv").text, newline="")))
    assert [(r["kind"], r["item_id"], r["answer"]) for r in rows] == [("question", "tf", "True")]
    # and ada's record holds hers, not bob's
    ada_rows = list(csv.DictReader(io.StringIO(people["ada"].get("/me/record.csv").text)))
    assert [(r["kind"], r["item_id"]) for r in ada_rows] == [
        ("question", "single"),
        ("question", "single"),
        ("question", "word"),
        ("dilemma", "phone"),
    ]


def test_guests_and_unknown_ids_have_no_record(
    people: dict[str, TestClient], db_settings: Settings
) -> None:
    who = ids(db_settings)
    teach = people["teach"]
    assert teach.get(f"/instructor/students/{who['guest']}").status_code == 404
    assert teach.get(f"/instructor/students/{max(who.values()) + 100}").status_code == 404
    for bad in ("0", "-1", "x", str(2**31), "9" * 40):
        assert teach.get(f"/instructor/students/{bad}").status_code == 422, bad
    guest = people["guest"]
    for path in ("/me/record", "/me/record.csv"):
        assert guest.get(path, follow_redirects=False).status_code == 303, path


def test_the_record_links_from_my_progress_and_the_gradebook(
    people: dict[str, TestClient], db_settings: Settings
) -> None:
    soup = BeautifulSoup(people["ada"].get("/me/progress").text, "html.parser")
    assert soup.select_one('a[href="/me/record"]') is not None
    soup = BeautifulSoup(people["ada"].get("/me/record").text, "html.parser")
    link = soup.select_one('a[href="/me/record.csv"]')
    assert link is not None and link.text == "Download my record (CSV)"
    overview = BeautifulSoup(people["teach"].get("/instructor").text, "html.parser")
    hrefs = {a["href"] for a in overview.select("a")}
    assert "/instructor/lessons/quizzy/gradebook" in hrefs
    assert "/instructor/lessons/quizzy/export/gradebook.csv" in hrefs
