"""Peer discussion over HTTP, on SQLite and PostgreSQL: nothing of the class (choices,
peers' reasons) nor the commentary before the viewer's own first answer, on the page, the
JSON API and the form path; afterwards the class's first choices (from 3 students), others'
reasons, one revision; guests see the commentary only; the instructor's discussion page and
its Hide / Show buttons."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from bs4 import BeautifulSoup, Tag
from db_fixtures import count_rows, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db.database import Database
from app.db.models import DilemmaResponse, User

API = "/api/lessons/quizzy/dilemmas/phone"
FORM = "/lessons/quizzy/dilemmas/phone"
PEEKS = ("REASON-", "SECRET-commentary", "class-choices", "peer-reasons", "choice-split")


def post(client: TestClient, choice: str, reason: str, confidence: object = 3) -> httpx.Response:
    body = {"choice": choice, "reason": reason, "confidence": confidence}
    return client.post(f"{API}/responses", json=body, headers=csrf(client))


def form_post(client: TestClient, data: dict[str, str]) -> httpx.Response:
    return client.post(FORM, data={"csrf_token": csrf(client)["X-CSRFToken"], **data})


def dilemma_of(html: str) -> Tag:
    found = BeautifulSoup(html, "html.parser").select_one("form#d-phone")
    assert found is not None
    return found


def rows(settings: Settings) -> int:
    return count_rows(settings, DilemmaResponse)


def make_instructor(settings: Settings, username: str) -> None:
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        found = s.scalar(select(User).where(User.username == username))
        assert found is not None
        found.role = "instructor"
        s.commit()
    db.dispose()


def class_of_three(make_client: Callable[[], TestClient]) -> list[TestClient]:
    students = [make_client() for _ in range(3)]
    for i, (s, choice) in enumerate(zip(students, ["rnn", "lstm", "rnn"], strict=True)):
        register(s, f"student{i}")
        assert post(s, choice, f"REASON-{i} for {choice}").status_code == 200
    return students


def test_nothing_of_the_class_before_the_first_answer_on_any_path(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    class_of_three(make_client)
    dan = make_client()
    register(dan, "dan")
    # the lesson page: the dilemma's form only
    page = dan.get("/lessons/quizzy")
    d = dilemma_of(page.text)
    assert d["data-state"] == "new"
    for peek in PEEKS:
        assert peek not in page.text, peek
    # the JSON API: the dilemma, no result
    state = dan.get(API)
    assert state.status_code == 200 and state.json()["result"] is None
    assert not any(peek in state.text for peek in PEEKS)
    # refused answers, by JSON and by the form: a sentence, nothing of the class
    for refused in (post(dan, "rnn", ""), form_post(dan, {"choice": "rnn", "reason": "x"})):
        assert refused.status_code == 422
        assert not any(peek in refused.text for peek in PEEKS), refused.text
    assert rows(db_settings) == 3
    # after answering: the class's first choices and the reasons for the other option
    body = post(dan, "lstm", "REASON-dan", 5).json()
    shares = body["class_choices"]
    assert shares["shown"] and shares["students"] == 4 and shares["threshold"] == 3
    assert [(c["id"], c["count"], c["percent"]) for c in shares["choices"]] == [
        ("rnn", 2, 50.0),
        ("lstm", 2, 50.0),
    ]
    assert sorted(p["text"] for p in body["peers"]) == ["REASON-0 for rnn", "REASON-2 for rnn"]
    assert body["commentary"] == "SECRET-commentary" and body["can_revise"]
    assert dan.get(API).json()["result"] == body, "the API's state is what the answer showed"


def test_the_page_shows_the_class_from_three_answers_and_says_so_before(
    make_client: Callable[[], TestClient],
) -> None:
    ada = make_client()
    register(ada, "ada")
    d = dilemma_of(form_post(ada, {"choice": "rnn", "reason": "mine", "confidence": "2"}).text)
    not_enough = d.select_one(".class-choices .not-enough")
    assert not_enough is not None
    assert "Not enough answers yet to show the class's choices" in not_enough.text
    assert "3 students" in not_enough.text, "the threshold is stated"
    assert d.select(".choice-split") == [] and "SECRET-commentary" in d.text
    class_of_three(make_client)
    d = dilemma_of(ada.get("/lessons/quizzy").text)
    split = [" ".join(li.text.split()) for li in d.select(".class-choices .choice-split li")]
    assert split == ["A plain RNN 3 · 75%", "An LSTM 1 · 25%"]
    peers = [" ".join(li.text.split()) for li in d.select(".peer-reasons li")]
    assert peers == ["An LSTM REASON-1 for lstm"]
    assert "mine" not in " ".join(peers)


def test_one_revision_kept_beside_the_first_then_a_clear_refusal(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    ada = make_client()
    register(ada, "ada")
    assert post(ada, "rnn", "small is fine", 2).status_code == 200
    d = dilemma_of(ada.get("/lessons/quizzy").text)
    revise = d.select_one("fieldset.answer")
    assert revise is not None and revise.legend is not None
    assert "Revise my answer" in revise.legend.text
    assert [str(i["value"]) for i in d.select("input[checked]")] == ["rnn", "2"], "prefilled"
    assert d.select_one("textarea[name=reason]").text == "small is fine"  # type: ignore[union-attr]
    page = form_post(ada, {"choice": "lstm", "reason": "long reviews", "confidence": "4"})
    d = dilemma_of(page.text)
    assert page.status_code == 200 and d["data-state"] == "revised"
    answers = [" ".join(li.text.split()) for li in d.select(".your-answers li")]
    assert answers == [
        "Your first answer: A plain RNN (how sure: 2 of 5) small is fine",
        "Your revised answer: An LSTM (how sure: 4 of 5) long reviews",
    ]
    assert d.select("button[type=submit]") == [], "no third answer offered"
    for refused in (
        post(ada, "rnn", "again"),
        form_post(ada, {"choice": "rnn", "reason": "x", "confidence": "1"}),
    ):
        assert refused.status_code == 409
        assert "You have already revised your answer" in refused.text
    assert rows(db_settings) == 2


def test_a_guest_sees_the_commentary_but_no_class_and_nothing_is_kept(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    class_of_three(make_client)
    guest = make_client()
    body = post(guest, "lstm", "guessing", None).json()
    assert body["saved"] is False and "isn't kept" in body["notice"]
    assert body["commentary"] == "SECRET-commentary"
    assert body["class_choices"] is None and body["peers"] == [] and body["first"] is None
    page = form_post(guest, {"choice": "lstm", "reason": "guessing"})
    assert page.status_code == 200 and "SECRET-commentary" in page.text
    assert "REASON-" not in page.text and "class-choices" not in page.text
    assert guest.get(API).json()["result"] is None
    assert rows(db_settings) == 3


def test_the_instructor_sees_both_rounds_and_hides_a_reason_from_students(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    students = class_of_three(make_client)
    post(students[0], "lstm", "REASON-0 revised", 5)  # rnn -> lstm, confidence 3 -> 5
    post(students[1], "lstm", "REASON-1 still", 4)  # lstm -> lstm, 3 -> 4
    teacher = make_client()
    register(teacher, "teach")
    make_instructor(db_settings, "teach")
    (d,) = teacher.get("/api/instructor/lessons/quizzy/dilemmas").json()
    assert (d["students"], d["revised"], d["changed"]) == (3, 2, 1)
    assert [(c["id"], c["first"], c["final"]) for c in d["choices"]] == [
        ("rnn", 2, 1),
        ("lstm", 1, 2),
    ]
    assert d["switches"] == [{"from_text": "A plain RNN", "to_text": "An LSTM", "count": 1}]
    assert d["confidence_first"] == 3.0
    assert d["confidence_final"] == round((5 + 4 + 3) / 3, 2)
    assert [(r["round"], r["text"]) for r in d["reasons"]] == [
        (2, "REASON-1 still"),
        (2, "REASON-0 revised"),
        (1, "REASON-2 for rnn"),
        (1, "REASON-1 for lstm"),
        (1, "REASON-0 for rnn"),
    ]
    soup = BeautifulSoup(teacher.get("/instructor").text, "html.parser")
    link = soup.select_one("#stats-quizzy .discussion-link a")
    assert link is not None and link["href"] == "/instructor/lessons/quizzy/dilemmas"
    page = BeautifulSoup(teacher.get(str(link["href"])).text, "html.parser")
    rows_shown = page.select(".discussion-reasons li")
    assert len(rows_shown) == 5
    # Hide REASON-2 with its button (a form posting the CSRF token), as without JavaScript.
    target = next(li for li in rows_shown if "REASON-2" in li.text)
    form = target.select_one("form.moderate")
    assert form is not None and form.button is not None and form.button.text == "Hide"
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    done = teacher.post(str(form["action"]), data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/instructor/lessons/quizzy/dilemmas#{target['id']}"
    page = BeautifulSoup(teacher.get("/instructor/lessons/quizzy/dilemmas").text, "html.parser")
    hidden = page.select_one(f"li#{target['id']}")
    assert hidden is not None and "hidden-reason" in hidden["class"]
    assert "hidden from students" in hidden.text and hidden.button.text == "Show"  # type: ignore[union-attr]
    # Students never see it again: not on the page, not in the API.
    student1 = students[1]  # chose lstm: sees the rnn reasons
    assert "REASON-2" not in student1.get("/lessons/quizzy").text
    assert "REASON-2" not in student1.get(API).text
    # The JSON API shows it again; 404 for an unknown id.
    response_id = int(str(target["data-response"]))
    shown = teacher.post(
        f"/api/instructor/dilemma-responses/{response_id}/show", headers=csrf(teacher)
    )
    assert shown.json() == {"id": response_id, "hidden": False}
    assert "REASON-2" in student1.get(API).text
    for path in (
        "/api/instructor/dilemma-responses/99999/hide",
        "/instructor/dilemma-responses/99999/show",
    ):
        assert teacher.post(path, headers=csrf(teacher)).status_code == 404, path
    assert teacher.get("/instructor/lessons/nope/dilemmas").status_code == 404
