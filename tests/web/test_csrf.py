"""The CSRF token is bound to the session: refused in another browser, rotated by login and
logout, and a missing or garbled token gets a plain 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from db_fixtures import PASSWORD, csrf, register
from fastapi.testclient import TestClient

from app.accounts.passwords import csrf_token_for
from app.web.csrf import PRESESSION_COOKIE, REFUSED

ANSWER = "/api/lessons/quizzy/quiz/single/attempts"


def answer(client: TestClient, token: str) -> int:
    response = client.post(ANSWER, json={"answer": "weights"}, headers={"X-CSRFToken": token})
    return response.status_code


def page_token(client: TestClient, path: str = "/login") -> str:
    """Return the token in the page's first form, as a browser without JavaScript sends it."""
    field = BeautifulSoup(client.get(path).text, "html.parser").select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def test_a_logged_in_token_is_refused_with_another_session(
    make_client: Callable[[], TestClient],
) -> None:
    ada, bob = make_client(), make_client()
    register(ada, "ada")
    register(bob, "bob")
    ada_token, bob_token = csrf(ada)["X-CSRFToken"], csrf(bob)["X-CSRFToken"]
    assert ada_token != bob_token
    assert answer(bob, ada_token) == 403
    assert answer(ada, bob_token) == 403
    assert answer(ada, ada_token) == 200 and answer(bob, bob_token) == 200


def test_an_anonymous_token_is_bound_to_its_own_presession(
    make_client: Callable[[], TestClient],
) -> None:
    one, two = make_client(), make_client()
    token_one, token_two = page_token(one), page_token(two)
    assert one.cookies.get(PRESESSION_COOKIE) and token_one != token_two
    form = {"username": "ada", "password": "wrong password"}
    assert one.post("/login", data=form | {"csrf_token": token_two}).status_code == 403
    assert one.post("/login", data=form | {"csrf_token": token_one}).status_code == 401


def test_the_presession_cookie_is_private(quiz_client: TestClient) -> None:
    response = quiz_client.get("/login")
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if PRESESSION_COOKIE in c]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_logging_in_rotates_the_token_and_pages_give_the_new_one(
    quiz_client: TestClient,
) -> None:
    register(quiz_client, "ada")
    quiz_client.post("/api/auth/logout", headers=csrf(quiz_client))
    before = page_token(quiz_client)
    response = quiz_client.post(
        "/login",
        data={"username": "ada", "password": PASSWORD, "csrf_token": before},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert answer(quiz_client, before) == 403, "the token from before login is refused"
    after = page_token(quiz_client, "/lessons/quizzy")
    assert after != before
    assert quiz_client.cookies["csrftoken"] == after, "the cookie JavaScript reads is the new one"
    assert quiz_client.get("/api/auth/csrf").json()["csrf_token"] == after
    assert answer(quiz_client, after) == 200


def test_logging_out_rotates_the_token(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    logged_in = csrf(quiz_client)["X-CSRFToken"]
    presession = quiz_client.cookies.get(PRESESSION_COOKIE)
    response = quiz_client.post("/logout", data={"csrf_token": logged_in}, follow_redirects=False)
    assert response.status_code == 303
    assert quiz_client.cookies.get(PRESESSION_COOKIE) not in (None, presession)
    fresh = page_token(quiz_client)
    assert fresh != logged_in
    form = {"username": "ada", "password": "wrong password"}
    assert quiz_client.post("/login", data=form | {"csrf_token": logged_in}).status_code == 403
    assert quiz_client.post("/login", data=form | {"csrf_token": fresh}).status_code == 401


@pytest.mark.parametrize(
    "token",
    [None, "", "garbled", "x" * 500, "ünïcode", "forged-with-another-secret"],
)
def test_a_missing_or_garbled_token_gets_a_plain_403(
    quiz_client: TestClient, token: str | None
) -> None:
    register(quiz_client, "ada")
    if token == "forged-with-another-secret":
        session = quiz_client.cookies["parade_session"]
        token = csrf_token_for("session:" + session, "another secret key " + "y" * 32)
    headers: dict[bytes, bytes] = {} if token is None else {b"X-CSRFToken": token.encode()}
    response = quiz_client.post(ANSWER, json={"answer": "weights"}, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"detail": REFUSED}
    form = {} if token is None else {"csrf_token": token}
    page = quiz_client.post("/lessons/quizzy/quiz/single", data=form | {"answer": "weights"})
    assert page.status_code == 403
    assert REFUSED in BeautifulSoup(page.text, "html.parser").get_text(" ")


def test_a_request_with_no_cookie_at_all_is_refused(
    make_client: Callable[[], TestClient],
) -> None:
    donor, bare = make_client(), make_client()
    token = page_token(donor)
    bare.cookies.clear()
    response = bare.post(ANSWER, json={"answer": "weights"}, headers={"X-CSRFToken": token})
    assert response.status_code == 403


def test_the_openapi_document_lists_the_csrf_refusal_where_the_middleware_gives_it(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    guarded = exempt = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method.upper() in ("GET", "HEAD", "OPTIONS"):
                continue
            if path.startswith("/api/engine/"):  # exempt: a pure computation, no session
                if path == "/api/engine/train":  # ...but `keep` stores: it checks the token
                    assert "CSRF" in operation["responses"]["403"]["description"], path
                else:
                    assert "403" not in operation["responses"], path
                exempt += 1
                continue
            refusal = operation["responses"]["403"]
            assert "CSRF" in refusal["description"], path
            body = refusal["content"]["application/json"]["schema"]
            assert body.get("required") == ["detail"] or "$ref" in body, path
            guarded += 1
    assert guarded >= 10 and exempt == 3  # every POST of the API is one or the other


def test_every_documented_refusal_has_a_detail_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("4"):
                    continue
                body = response["content"]["application/json"]["schema"]
                if "$ref" in body:
                    body = schemas[body["$ref"].rsplit("/", 1)[1]]
                assert "detail" in body["properties"], (method, path, status)
