"""Accounts over HTTP: register, log in, log out, sessions, the login limit, the HTML forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from db_fixtures import PASSWORD, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.database import Database
from app.db.models import AuthSession, User
from app.main import create_app


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    response = client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        headers=csrf(client),
    )
    return response.status_code


def session_cookie_header(response_headers: list[str]) -> str:
    return next(h for h in response_headers if h.startswith("parade_session="))


def test_register_logs_in_and_me_says_who(quiz_client: TestClient) -> None:
    assert quiz_client.get("/api/me").status_code == 401
    register(quiz_client, "Ada")
    assert quiz_client.get("/api/me").json() == {"username": "ada", "role": "student"}


def test_session_cookie_flags(quiz_client: TestClient) -> None:
    response = quiz_client.post(
        "/api/auth/register",
        json={"username": "ada", "password": PASSWORD},
        headers=csrf(quiz_client),
    )
    cookie = session_cookie_header(response.headers.get_list("set-cookie")).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http here


def test_session_cookie_is_secure_over_https(db_settings: Settings) -> None:
    with TestClient(create_app(db_settings), base_url="https://testserver") as client:
        response = client.post(
            "/api/auth/register",
            json={"username": "ada", "password": PASSWORD},
            headers=csrf(client),
        )
        assert "secure" in session_cookie_header(response.headers.get_list("set-cookie")).lower()


def test_password_is_stored_as_argon2id_and_the_token_only_as_a_hash(
    quiz_client: TestClient, db_settings: Settings
) -> None:
    register(quiz_client, "ada")
    token = quiz_client.cookies["parade_session"]
    db = Database.from_url(db_settings.database_url)
    with db.session(write=False) as s:
        password_hash = s.scalar(select(User.password_hash))
        stored = s.scalars(select(AuthSession.token_hash)).all()
    db.dispose()
    assert password_hash is not None and password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [
        ("ab", PASSWORD, 422),  # username too short
        ("has space", PASSWORD, 422),
        ("ada", "short", 422),
        ("ada", "password123", 422),  # common
        ("ada", "x" * 129, 422),  # over 128
        ("ada", "ada", 422),
    ],
)
def test_register_refuses_bad_input(
    quiz_client: TestClient, username: str, password: str, status: int
) -> None:
    response = quiz_client.post(
        "/api/auth/register",
        json={"username": username, "password": password},
        headers=csrf(quiz_client),
    )
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)
    assert quiz_client.get("/api/me").status_code == 401


def test_register_reports_a_bad_username_and_a_short_password_together(
    quiz_client: TestClient,
) -> None:
    response = quiz_client.post(
        "/api/auth/register",
        json={"username": "a b", "password": "short"},
        headers=csrf(quiz_client),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "Usernames are 3 to 32 characters" in detail
    assert "Passwords need at least 8 characters." in detail


@pytest.mark.parametrize(("username", "password"), [("", ""), ("", PASSWORD), ("ada", "")])
def test_register_with_empty_fields_says_why_in_words(
    quiz_client: TestClient, username: str, password: str
) -> None:
    response = quiz_client.post(
        "/api/auth/register",
        json={"username": username, "password": password},
        headers=csrf(quiz_client),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert ("Usernames are" in detail) == (username == "")
    assert ("Passwords need" in detail) == (password == "")


def test_long_passwords_are_not_truncated(quiz_client: TestClient) -> None:
    long = "y" * 127 + "A"
    register(quiz_client, "ada", long)
    assert login(quiz_client, "ada", long) == 200
    assert login(quiz_client, "ada", "y" * 127 + "B") == 401


def test_username_taken_is_409(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    response = quiz_client.post(
        "/api/auth/register",
        json={"username": "ADA", "password": PASSWORD},
        headers=csrf(quiz_client),
    )
    assert response.status_code == 409


def test_login_rotates_the_token_and_logout_kills_a_copied_cookie(
    make_client: Callable[[], TestClient],
) -> None:
    browser = make_client()
    register(browser, "ada")
    first = browser.cookies["parade_session"]
    assert login(browser, "ada") == 200
    second = browser.cookies["parade_session"]
    assert second != first

    thief = make_client()
    thief.cookies.set("parade_session", first)
    assert thief.get("/api/me").status_code == 401, "the session before login was ended"
    thief.cookies.set("parade_session", second)
    assert thief.get("/api/me").status_code == 200

    response = browser.post("/api/auth/logout", headers=csrf(browser))
    assert response.status_code == 204
    assert "parade_session" not in browser.cookies
    assert browser.get("/api/me").status_code == 401
    assert thief.get("/api/me").status_code == 401, "replaying the cookie after logout fails"
    assert thief.get("/api/me/progress").status_code == 401


def test_wrong_password_and_unknown_user_look_the_same(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    quiz_client.post("/api/auth/logout", headers=csrf(quiz_client))
    wrong = quiz_client.post(
        "/api/auth/login",
        json={"username": "ada", "password": "nope" * 3},
        headers=csrf(quiz_client),
    )
    unknown = quiz_client.post(
        "/api/auth/login",
        json={"username": "bob", "password": "nope" * 3},
        headers=csrf(quiz_client),
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_login_limit_per_account_slows_new_browsers_not_the_owners(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    owner, attacker, new_browser = make_client(), make_client(), make_client()
    register(owner, "ada")
    limit = db_settings.login_limit_per_account
    for _ in range(limit):
        assert login(attacker, "ada", "wrong password") == 401
    response = attacker.post(
        "/api/auth/login",
        json={"username": "ada", "password": PASSWORD},
        headers=csrf(attacker),
    )
    assert response.status_code == 429, "a browser new to the account waits, right or wrong"
    assert int(response.headers["retry-after"]) > 0
    assert login(new_browser, "ada") == 429
    owner.post("/api/auth/logout", headers=csrf(owner))
    assert login(owner, "ada") == 200, "the browser that logged in before is not slowed"
    assert login(attacker, "other-user", "whatever pass") == 401, "other accounts unaffected"


def test_login_limit_per_client_spans_accounts(db_settings: Settings) -> None:
    settings = db_settings.model_copy(update={"login_limit_per_client": 3})
    with TestClient(create_app(settings)) as client:
        for name in ("u1", "u2", "u3"):
            assert login(client, name, "wrong password") == 401
        assert login(client, "u4", "wrong password") == 429


def test_login_limit_is_shared_by_all_workers(
    db_settings: Settings, make_client: Callable[[], TestClient]
) -> None:
    # Two separate app instances (as two worker processes would be) on one database.
    register(make_client(), "ada")
    with (
        TestClient(create_app(db_settings)) as worker_a,
        TestClient(create_app(db_settings)) as worker_b,
    ):
        for i in range(db_settings.login_limit_per_account):
            worker = worker_a if i % 2 else worker_b
            assert login(worker, "ada", "wrong password") == 401
        assert login(worker_a, "ada") == 429
        assert login(worker_b, "ada") == 429


def test_a_successful_login_does_not_forget_other_clients_failures(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    owner, attacker = make_client(), make_client()
    register(owner, "ada")
    for _ in range(db_settings.login_limit_per_account):
        login(attacker, "ada", "wrong password")
    assert login(owner, "ada") == 200
    assert login(attacker, "ada", "wrong password") == 429, "the owner's login reset nothing"


def test_instructor_role_from_the_database(quiz_client: TestClient, db_settings: Settings) -> None:
    register(quiz_client, "teach")
    db = Database.from_url(db_settings.database_url)
    with db.session(write=True) as s:
        user = s.scalar(select(User).where(User.username == "teach"))
        assert user is not None
        user.role = "instructor"
        s.commit()
        assert s.scalar(select(func.count()).select_from(User)) == 1
    db.dispose()
    assert quiz_client.get("/api/me").json()["role"] == "instructor"


# --- HTML forms --------------------------------------------------------------------------------


def form_token(client: TestClient, path: str) -> str:
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    field = soup.select_one("form.auth-form input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def test_html_register_login_logout(quiz_client: TestClient) -> None:
    token = form_token(quiz_client, "/register")
    response = quiz_client.post(
        "/register",
        data={
            "username": "ada",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/lessons/quizzy",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/lessons/quizzy"
    soup = BeautifulSoup(quiz_client.get("/").text, "html.parser")
    nav = soup.select_one("nav .site-nav")
    assert nav is not None
    assert nav.select_one("a[href='/me/progress']") is not None
    logout = nav.select_one("form.logout")
    assert logout is not None and logout["method"] == "post"
    token = str(logout.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    response = quiz_client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert quiz_client.get("/api/me").status_code == 401

    token = form_token(quiz_client, "/login")
    bad = quiz_client.post(
        "/login", data={"username": "ada", "password": "wrong password", "csrf_token": token}
    )
    assert bad.status_code == 401
    error = BeautifulSoup(bad.text, "html.parser").select_one(".form-error")
    assert error is not None and "Wrong username or password" in error.text
    good = quiz_client.post(
        "/login",
        data={
            "username": "ada",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == "/", "no open redirect"


def test_html_register_shows_the_problem_and_keeps_the_username(
    quiz_client: TestClient,
) -> None:
    token = form_token(quiz_client, "/register")
    response = quiz_client.post(
        "/register", data={"username": "ada", "password": "12345678", "csrf_token": token}
    )
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert "too easy to guess" in soup.select_one(".form-error").text  # type: ignore[union-attr]
    assert soup.select_one("input[name=username]")["value"] == "ada"  # type: ignore[index]


def test_html_register_lists_every_problem(quiz_client: TestClient) -> None:
    token = form_token(quiz_client, "/register")
    response = quiz_client.post(
        "/register", data={"username": "a b", "password": "short", "csrf_token": token}
    )
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    problems = [li.text for li in soup.select(".form-error[role=alert] li")]
    assert len(problems) == 2
    assert problems[0].startswith("Usernames are") and problems[1].startswith("Passwords need")
    assert soup.select_one("input[name=username]")["value"] == "a b"  # type: ignore[index]
