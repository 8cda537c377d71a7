"""Confidence over HTTP: the API and the no-JS form store it, a bad one changes nothing, and
My progress shows the student's own calibration."""

from __future__ import annotations

from collections.abc import Callable

from bs4 import BeautifulSoup
from db_fixtures import RIGHT_ANSWERS, WRONG_ANSWERS, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db.database import Database
from app.db.models import Attempt


def stored(settings: Settings) -> list[tuple[str, int | None]]:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        rows = s.execute(select(Attempt.question_id, Attempt.confidence).order_by(Attempt.id))
        out = [(r.question_id, r.confidence) for r in rows]
    db.dispose()
    return out


def post(client: TestClient, qid: str, body: dict[str, object]) -> int:
    url = f"/api/lessons/quizzy/quiz/{qid}/attempts"
    return client.post(url, json=body, headers=csrf(client)).status_code


def test_the_api_stores_confidence_and_refuses_a_bad_one(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    register(quiz_client, "ada")
    assert post(quiz_client, "single", {"answer": RIGHT_ANSWERS["single"], "confidence": 5}) == 200
    assert post(quiz_client, "tf", {"answer": WRONG_ANSWERS["tf"]}) == 200
    for bad in (0, 6, "5", True, 4.5):
        r = quiz_client.post(
            "/api/lessons/quizzy/quiz/num/attempts",
            json={"answer": RIGHT_ANSWERS["num"], "confidence": bad},
            headers=csrf(quiz_client),
        )
        assert r.status_code == 422, bad
        assert "confidence" in r.text
    assert stored(db_settings) == [("single", 5), ("tf", None)], "refused tries store nothing"


def test_the_form_stores_confidence(quiz_client: TestClient, db_settings: Settings) -> None:
    register(quiz_client, "ada")
    page = BeautifulSoup(quiz_client.get("/lessons/quizzy").text, "html.parser")
    form = page.find("form", id="q-single")
    assert form is not None
    radios = form.select("fieldset.confidence input[type=radio][name=confidence]")
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
    legend = form.select_one("fieldset.confidence legend")
    assert legend is not None and "How sure are you?" in legend.get_text()
    token = csrf(quiz_client)["X-CSRFToken"]
    data = {"csrf_token": token, "answer": "weights", "confidence": "2"}
    r = quiz_client.post("/lessons/quizzy/quiz/single", data=data)
    assert r.status_code == 200
    bad = {"csrf_token": token, "answer": "hidden", "confidence": "7"}
    r = quiz_client.post("/lessons/quizzy/quiz/single", data=bad)
    assert r.status_code == 422
    assert "1 (guessing) to 5 (certain)" in BeautifulSoup(r.text, "html.parser").get_text()
    assert stored(db_settings) == [("single", 2)]


def test_progress_shows_my_calibration_only(make_client: Callable[[], TestClient]) -> None:
    ada, bob = make_client(), make_client()
    register(ada, "ada")
    register(bob, "bob")
    assert post(ada, "single", {"answer": RIGHT_ANSWERS["single"], "confidence": 4}) == 200
    assert post(ada, "tf", {"answer": WRONG_ANSWERS["tf"], "confidence": 4}) == 200
    assert post(ada, "num", {"answer": RIGHT_ANSWERS["num"], "confidence": 1}) == 200
    assert post(bob, "single", {"answer": WRONG_ANSWERS["single"], "confidence": 5}) == 200

    page = BeautifulSoup(ada.get("/me/progress").text, "html.parser")
    section = page.find("section", id="calibration")
    assert section is not None
    sentences = [li.get_text(strip=True) for li in section.select(".calibration-sentences li")]
    assert sentences == [
        "When you were sure, you were right 1 time out of 2.",
        "When you were guessing, you were right 1 time out of 1.",
    ]
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in section.select("tbody tr")
    ]
    assert rows == [["Sure", "2", "1", "50%"], ["Guessing", "1", "1", "100%"]]
    assert ada.get("/api/me/calibration").json()[0] == {
        "level": 4,
        "label": "sure",
        "tries": 2,
        "right": 1,
        "sentence": "When you were sure, you were right 1 time out of 2.",
    }
    assert [c["level"] for c in bob.get("/api/me/calibration").json()] == [5]


def test_no_confidence_no_calibration_section(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    assert post(quiz_client, "single", {"answer": RIGHT_ANSWERS["single"]}) == 200
    page = BeautifulSoup(quiz_client.get("/me/progress").text, "html.parser")
    assert page.find("section", id="calibration") is None
