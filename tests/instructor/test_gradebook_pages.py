"""The gradebook page, students' records and the CSV exports, end to end: numbers against
hand-computed values, every CSV parsed back with the csv module and compared with the
database rows, formula cells neutralized, stored text escaped, and who may see what."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from db_fixtures import attempt, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt, DilemmaResponse, User

INJECTIONS = ['=HYPERLINK("http://x.invalid","click")', "+1", "-1", "@x", "\tx", "\rx"]


def make_instructor(settings: Settings, username: str) -> None:
    with_db(
        settings,
        lambda s: s.execute(
            update(User).where(User.username == username).values(role="instructor")
        ),
    )


def with_db(settings: Settings, work: Callable[..., object]) -> object:
    db = Database.from_url(settings.database_url)
    try:
        with db.session(write=True) as s:
            out = work(s)
            s.commit()
            return out
    finally:
        db.dispose()


def user_id(settings: Settings, username: str) -> int:
    found = with_db(settings, lambda s: s.scalar(select(User.id).where(User.username == username)))
    assert isinstance(found, int)
    return found


def respond(client: TestClient, choice: str, reason: str = "") -> None:
    body = {"choice": choice, "reason": reason, "confidence": 3}
    r = client.post("/api/lessons/quizzy/dilemmas/phone/responses", json=body, headers=csrf(client))
    assert r.status_code == 200, r.text


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def classroom(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> dict[str, TestClient]:
    """ada, bob and carl (students), teach (instructor), and a guest, with known tries."""
    clients = {name: make_client() for name in ("ada", "bob", "carl", "teach", "guest")}
    for name in ("ada", "bob", "carl", "teach"):
        register(clients[name], name)
    make_instructor(db_settings, "teach")
    ada, bob, guest, teach = (clients[n] for n in ("ada", "bob", "guest", "teach"))
    assert attempt(ada, "single", "weights").json()["score"] == 0.0  # try 1: wrong
    assert attempt(ada, "single", "hidden").json()["score"] == 0.5  # try 2 earns half
    assert attempt(ada, "tf", False).json()["score"] == 1.0
    assert attempt(bob, "num", 640).json()["score"] == 1.0
    attempt(guest, "single", "hidden")  # a guest's try is no one's grade
    attempt(teach, "single", "hidden")  # nor an instructor's
    respond(ada, "rnn", "small enough")
    return clients


def rows_of(html: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    table = soup.select_one("table.gradebook-table")
    assert table is not None
    return [
        [" ".join(c.text.split()) for c in tr.select("th, td")] for tr in table.select("tbody tr")
    ]


def test_gradebook_lists_students_only_with_hand_computed_scores(
    classroom: dict[str, TestClient],
) -> None:
    response = classroom["teach"].get("/instructor/lessons/quizzy/gradebook")
    assert response.status_code == 200
    rows = rows_of(response.text)
    assert [r[0] for r in rows] == ["ada", "bob", "carl"]  # no guest, no instructor
    ada, bob, carl = rows
    # 7 questions; ada: best 0.5 (single) + 1 (tf) = 1.5 = 21%; bob: 1 = 14%.
    assert ada[1] == "1.50 / 7 21%" and bob[1] == "1.00 / 7 14%" and carl[1] == "0.00 / 7 0%"
    assert ada[2] == "0.50 · 0.00"  # single: best 0.5, first try 0
    assert ada[4] == "1.00 · 1.00" and ada[3] == "—"  # tf right at once; multi untried
    assert ada[9] == "3" and bob[9] == "1" and carl[9] == "0"  # tries
    assert carl[10] == "—"  # no activity
    soup = BeautifulSoup(response.text, "html.parser")
    links = [a["href"] for a in soup.select("tbody th a")]
    assert links == [f"/instructor/students/{tr['data-user']}" for tr in soup.select("tbody tr")]


@pytest.mark.parametrize(
    ("query", "expected", "sorted_by", "aria"),
    [
        ("", ["ada", "bob", "carl"], "Student", "ascending"),
        ("?sort=name&order=desc", ["carl", "bob", "ada"], "Student", "descending"),
        ("?sort=score&order=desc", ["ada", "bob", "carl"], "Lesson score", "descending"),
        ("?sort=score&order=asc", ["carl", "bob", "ada"], "Lesson score", "ascending"),
        ("?sort=last&order=desc", ["ada", "bob", "carl"], "Last activity", "descending"),
        ("?sort=last&order=asc", ["carl", "bob", "ada"], "Last activity", "ascending"),
    ],
)
def test_gradebook_sorts_on_the_server(
    classroom: dict[str, TestClient], query: str, expected: list[str], sorted_by: str, aria: str
) -> None:
    html = classroom["teach"].get(f"/instructor/lessons/quizzy/gradebook{query}").text
    assert [r[0] for r in rows_of(html)] == expected
    soup = BeautifulSoup(html, "html.parser")
    marked = soup.select("thead th[aria-sort]")
    assert [(" ".join(th.a.text.split()).rstrip(" ▲▼"), th["aria-sort"]) for th in marked] == [
        (sorted_by, aria)
    ]
    # the sorted column's link turns the order round
    other = "desc" if aria == "ascending" else "asc"
    assert marked[0].a["href"].endswith(f"order={other}")


@pytest.mark.parametrize("query", ["?sort=grade", "?order=up", "?sort=", "?sort=name&order=ASC"])
def test_gradebook_refuses_bad_sort_parameters(
    classroom: dict[str, TestClient], query: str
) -> None:
    response = classroom["teach"].get(f"/instructor/lessons/quizzy/gradebook{query}")
    assert response.status_code == 422
    assert "not valid" in response.text


def test_unknown_lesson_is_404(classroom: dict[str, TestClient]) -> None:
    teach = classroom["teach"]
    for path in (
        "/instructor/lessons/nope/gradebook",
        "/instructor/lessons/nope/export/gradebook.csv",
    ):
        assert teach.get(path).status_code == 404, path


def download(client: TestClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="parade-') and disposition.endswith('.csv"')
    return read_csv(response.content.decode("utf-8"))


def test_gradebook_csv_equals_the_database(
    classroom: dict[str, TestClient], db_settings: Settings
) -> None:
    got = download(classroom["teach"], "/instructor/lessons/quizzy/export/gradebook.csv")
    assert [r["username"] for r in got] == ["ada", "bob", "carl"]

    def tries(s: object) -> list[tuple[str, str, int, float]]:
        return [
            tuple(r)
            for r in s.execute(  # type: ignore[attr-defined]
                select(User.username, Attempt.question_id, Attempt.number, Attempt.score)
                .join(User, User.id == Attempt.user_id)
                .where(User.role == "student")
            )
        ]

    stored = with_db(db_settings, tries)
    assert isinstance(stored, list)
    for row in got:
        mine = [t for t in stored if t[0] == row["username"]]
        for qid in ("single", "multi", "tf", "num", "order", "word", "h1"):
            scores = [t[3] for t in mine if t[1] == qid]
            firsts = [t[3] for t in mine if t[1] == qid and t[2] == 1]
            assert row[f"{qid} best"] == (repr(max(scores)) if scores else "")
            assert row[f"{qid} first"] == (repr(firsts[0]) if firsts else "")
        assert float(row["score"]) == pytest.approx(
            sum(max(t[3] for t in mine if t[1] == q) for q in {t[1] for t in mine})
        )
        assert row["max_score"] == "7" and int(row["tries"]) == len(mine)


def test_attempts_csv_equals_the_database(
    classroom: dict[str, TestClient], db_settings: Settings
) -> None:
    with_db(
        db_settings,
        lambda s: s.execute(
            update(Attempt).where(Attempt.question_id == "tf").values(confidence=4)
        ),
    )
    got = download(classroom["teach"], "/instructor/lessons/quizzy/export/attempts.csv")

    def stored(s: object) -> list[dict[str, object]]:
        rows = s.execute(  # type: ignore[attr-defined]
            select(User.username, Attempt)
            .join(User, User.id == Attempt.user_id)
            .where(User.role == "student")
            .order_by(User.username, Attempt.question_id, Attempt.number)
        )
        return [
            {
                "username": name,
                "lesson": a.lesson_slug,
                "question_id": a.question_id,
                "question_version": a.question_version,
                "try": str(a.number),
                "score": repr(a.score),
                "correct": "true" if a.correct else "false",
                "confidence": "" if a.confidence is None else str(a.confidence),
                "created_at": a.created_at.isoformat(),
            }
            for name, a in rows
        ]

    expected = with_db(db_settings, stored)
    assert [{k: r[k] for k in expected[0]} for r in got] == expected  # type: ignore[index]
    by_try = {(r["username"], r["question_id"], r["try"]): r for r in got}
    wrong = by_try[("ada", "single", "1")]
    assert wrong["answer"] == "The weights" and wrong["answer_json"] == '"weights"'
    assert "SECRET-single-feedback" in wrong["feedback"]  # what ada was told, recomputed
    assert wrong["prompt"] == "What carries memory between steps?"
    assert by_try[("ada", "tf", "1")]["confidence"] == "4"
    assert all(r["current_version"] == "true" for r in got)


def test_dilemmas_csv_equals_the_database(
    classroom: dict[str, TestClient], db_settings: Settings
) -> None:
    respond(classroom["ada"], "lstm", "changed my mind")
    hidden = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with_db(
        db_settings,
        lambda s: s.execute(
            update(DilemmaResponse)
            .where(DilemmaResponse.round == 2)
            .values(hidden_at=hidden, confidence=2)
        ),
    )
    got = download(classroom["teach"], "/instructor/lessons/quizzy/export/dilemmas.csv")

    def stored(s: object) -> list[dict[str, str]]:
        rows = s.execute(  # type: ignore[attr-defined]
            select(User.username, DilemmaResponse)
            .join(User, User.id == DilemmaResponse.user_id)
            .order_by(DilemmaResponse.round)
        )
        return [
            {
                "username": name,
                "dilemma_id": d.dilemma_id,
                "round": str(d.round),
                "choice_id": d.choice,
                "reason": d.reason,
                "confidence": "" if d.confidence is None else str(d.confidence),
                "hidden": "true" if d.hidden_at else "false",
                "hidden_at": d.hidden_at.isoformat() if d.hidden_at else "",
                "created_at": d.created_at.isoformat(),
            }
            for name, d in rows
        ]

    expected = with_db(db_settings, stored)
    assert isinstance(expected, list) and len(expected) == 2
    assert [{k: r[k] for k in expected[0]} for r in got] == expected
    assert [r["choice"] for r in got] == ["A plain RNN", "An LSTM"]
    assert got[1]["hidden"] == "true" and got[1]["hidden_at"] == hidden.isoformat()


def test_formula_cells_are_neutralized_in_every_csv(
    classroom: dict[str, TestClient], db_settings: Settings
) -> None:
    ada = classroom["ada"]
    ada_id = user_id(db_settings, "ada")

    def store(s: object) -> None:
        for n, reason in enumerate(INJECTIONS, start=2):
            s.add(  # type: ignore[attr-defined]
                DilemmaResponse(
                    user_id=ada_id,
                    lesson_slug="quizzy",
                    dilemma_id="phone",
                    choice="lstm",
                    reason=reason,
                    round=n,
                )
            )

    with_db(db_settings, store)
    assert attempt(ada, "word", "=1+1").status_code == 200  # a typed answer starting with =
    teach = classroom["teach"]
    reasons = [
        r["reason"] for r in download(teach, "/instructor/lessons/quizzy/export/dilemmas.csv")
    ]
    assert reasons == ["small enough", *("'" + x for x in INJECTIONS)]
    answers = download(teach, "/instructor/lessons/quizzy/export/attempts.csv")
    word = next(r for r in answers if r["question_id"] == "word")
    assert word["answer"] == "'=1+1" and word["answer_json"] == '"=1+1"'
    own = download(ada, "/me/record.csv")
    assert [r["reason"] for r in own if r["kind"] == "dilemma"] == reasons
    assert next(r for r in own if r["item_id"] == "word")["answer"] == "'=1+1"
    for rows in (answers, own):
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
