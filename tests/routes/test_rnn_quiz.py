"""The real RNN lesson's quiz with accounts: its engine question ("compute h_1 for this 2-unit
RNN") renders each student's own numbers on the page and grades them (SQLite, and PostgreSQL
when configured)."""

from __future__ import annotations

import numpy as np
from bs4 import BeautifulSoup, Tag
from db_fixtures import csrf, register
from fastapi import FastAPI
from fastapi.testclient import TestClient

ENGINE_ID = "compute-h1-2-unit"


def page(client: TestClient) -> BeautifulSoup:
    response = client.get("/lessons/rnn")
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def engine_form(soup: BeautifulSoup) -> Tag:
    form = soup.select_one(f"form#q-{ENGINE_ID}")
    assert form is not None
    return form


def numbers(soup: BeautifulSoup) -> dict[str, np.ndarray]:
    return {
        str(t.caption.text): np.array(
            [[float(td.text) for td in tr.select("td")] for tr in t.select("tr")]
        )
        for t in engine_form(soup).select("table.matrix")
        if t.caption is not None
    }


def h1_by_hand(m: dict[str, np.ndarray], squash: bool = True) -> list[float]:
    a = m["W_ih"] @ m["x_1"] + m["b_ih"] + m["W_hh"] @ m["h_0"] + m["b_hh"]  # (2, 1)
    return [round(float(v), 3) for v in (np.tanh(a) if squash else a)[:, 0]]


def answer(client: TestClient, values: list[float]) -> dict[str, object]:
    response = client.post(
        f"/api/lessons/rnn/quiz/{ENGINE_ID}/attempts",
        json={"answer": values},
        headers=csrf(client),
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_engine_question_sits_after_the_hand_computed_state(repo_app: FastAPI) -> None:
    ids = [str(f["data-question"]) for f in page(TestClient(repo_app)).select("form.question")]
    assert ids.index(ENGINE_ID) == ids.index("hand-hidden-state") + 1
    assert ids.index(ENGINE_ID) < ids.index("translation-shape")  # training-order: lesson 2


def test_each_student_gets_own_numbers_and_is_graded_on_them(repo_app: FastAPI) -> None:
    ada, bob = TestClient(repo_app), TestClient(repo_app)
    register(ada, "ada")
    register(bob, "bob")
    ada_m, bob_m = numbers(page(ada)), numbers(page(bob))
    assert list(ada_m) == ["W_ih", "b_ih", "W_hh", "b_hh", "h_0", "x_1"]
    assert ada_m["W_ih"].shape == (2, 2) and ada_m["x_1"].shape == (2, 1)
    assert any(not np.array_equal(ada_m[k], bob_m[k]) for k in ada_m), "own numbers"
    assert all(np.array_equal(ada_m[k], numbers(page(ada))[k]) for k in ada_m), "stable"
    assert len(engine_form(page(ada)).select("input[name=answer]")) == 2

    slip = answer(ada, h1_by_hand(ada_m, squash=False))
    assert not slip["correct"] and slip["misconceptions"] == [
        "Forgetting the tanh: the hidden state is the squashed sum, not the sum."
    ]
    assert not answer(ada, h1_by_hand(bob_m))["correct"], "someone else's numbers"
    right = answer(ada, h1_by_hand(ada_m))
    assert right["correct"] and right["score"] == 0.5 and right["finished"]  # points [1, .7, .5]
    assert "tanh of one sum" in str(right["explanation"])

    form = engine_form(page(ada))
    assert form["data-state"] == "right" and form.select_one("button[type=submit]") is None
    soup = page(ada)
    summary, total = soup.select_one(".quiz-summary"), len(soup.select("form.question"))
    assert total >= 8 and summary is not None and summary["data-total"] == str(total)
    assert " ".join(summary.text.split()) == f"1 of {total} finished · score 0.5 / {total}"


def test_guests_get_numbers_too(repo_app: FastAPI) -> None:
    guest = TestClient(repo_app)
    m = numbers(page(guest))
    assert answer(guest, h1_by_hand(m))["correct"]


def test_hand_hidden_state_right_on_try_two_shows_no_hints(repo_app: FastAPI) -> None:
    ada = TestClient(repo_app)
    register(ada, "ada")
    url = "/api/lessons/rnn/quiz/hand-hidden-state/attempts"
    wrong = ada.post(url, json={"answer": "0,7616"}, headers=csrf(ada)).json()
    assert not wrong["correct"] and wrong["hints"], "a wrong try earns a hint"
    right = ada.post(url, json={"answer": "0,7452"}, headers=csrf(ada)).json()
    assert right["correct"] and right["hints"] == []
    form = page(ada).select_one("form#q-hand-hidden-state")
    assert form is not None and form["data-state"] == "right"
    assert "Correct!" in form.text and form.select_one(".hints") is None


def test_engine_wording_is_true_for_students_and_guests(repo_app: FastAPI) -> None:
    guest, ada = TestClient(repo_app), TestClient(repo_app)
    register(ada, "ada")
    mine, shared = engine_form(page(ada)), engine_form(page(guest))
    for form in (mine, shared):
        assert "alone" not in form.text
        labels = [" ".join(label.text.split()) for label in form.select(".vector-answer label")]
        assert labels == ["h₁[0]", "h₁[1]"], "units counted from 0, like the stepper's"
        assert "Units are counted from 0" in form.text
    whose = mine.select_one(".engine-whose")
    assert whose is not None and "your own numbers" in whose.text
    whose = shared.select_one(".engine-whose")
    assert whose is not None and "Every guest sees these same numbers" in whose.text
    link = whose.select_one("a")
    assert link is not None and "log in" in link.text and str(link["href"]).startswith("/login")
