"""Account care: change password (other sessions end), log out everywhere, and one-time reset
codes an instructor issues to a student (hashed, expiring, used once, tries limited)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from db_fixtures import PASSWORD, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.accounts.care import CODE_ALPHABET
from app.config import Settings
from app.db.database import Database
from app.db.models import AuthSession, PasswordReset, User, utcnow

NEW = "a brand new passphrase"


@pytest.fixture
def db(db_settings: Settings) -> Iterator[Database]:
    database = Database.from_url(db_settings.database_url)
    yield database
    database.dispose()


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    body = {"username": username, "password": password}
    return client.post("/api/auth/login", json=body, headers=csrf(client)).status_code


def make_instructor(db: Database, name: str) -> None:
    with db.session(write=True) as s:
        s.execute(update(User).where(User.username == name).values(role="instructor"))
        s.commit()


def sessions_of(db: Database, name: str) -> int:
    with db.session(write=False) as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(AuthSession)
                .join(User, User.id == AuthSession.user_id)
                .where(User.username == name)
            )
            or 0
        )


def change(client: TestClient, current: str, new: str) -> int:
    body = {"current_password": current, "new_password": new}
    return client.post("/api/auth/password", json=body, headers=csrf(client)).status_code


def issue(teacher: TestClient, username: str) -> str:
    response = teacher.post(
        "/api/auth/reset-codes", json={"username": username}, headers=csrf(teacher)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def reset(client: TestClient, username: str, code: str, new: str = NEW) -> int:
    body = {"username": username, "code": code, "new_password": new}
    return client.post("/api/auth/reset", json=body, headers=csrf(client)).status_code


# --- change password, log out everywhere ------------------------------------------------------


def test_change_password_ends_other_sessions_only(
    make_client: Callable[[], TestClient], db: Database
) -> None:
    laptop, phone = make_client(), make_client()
    register(laptop, "ada")
    assert login(phone, "ada") == 200
    assert sessions_of(db, "ada") == 2
    assert change(laptop, PASSWORD, NEW) == 204
    assert laptop.get("/api/me").status_code == 200, "the current session stays"
    assert phone.get("/api/me").status_code == 401, "the other session ended"
    assert sessions_of(db, "ada") == 1
    assert login(phone, "ada") == 401
    assert login(phone, "ada", NEW) == 200


def test_change_password_refuses_a_wrong_current_or_weak_new_one(
    quiz_client: TestClient, db: Database
) -> None:
    register(quiz_client, "ada")
    wrong = quiz_client.post(
        "/api/auth/password",
        json={"current_password": "not my password", "new_password": NEW},
        headers=csrf(quiz_client),
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "Your current password is not right."
    weak = quiz_client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=csrf(quiz_client),
    )
    assert weak.status_code == 422 and "at least 8" in weak.json()["detail"]
    assert login(quiz_client, "ada") == 200, "the password did not change"


def test_wrong_current_passwords_are_limited_like_logins(
    db_settings: Settings, make_client: Callable[[], TestClient]
) -> None:
    client = make_client()
    register(client, "ada")
    for _ in range(db_settings.login_limit_per_account):
        assert change(client, "not my password", NEW) == 422
    assert change(client, PASSWORD, NEW) == 429, "a logged-in browser gets no pass here"


def test_change_password_page(quiz_client: TestClient) -> None:
    register(quiz_client, "ada")
    page = BeautifulSoup(quiz_client.get("/account").text, "html.parser")
    form = page.select_one("form[action='/account/password']")
    assert form is not None
    assert {i["name"] for i in form.select("input")} >= {
        "csrf_token",
        "current_password",
        "new_password",
    }
    assert page.select_one("form[action='/account/reset-code']") is None, "instructors only"
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    data = {"csrf_token": token, "current_password": "nope nope", "new_password": NEW}
    refused = quiz_client.post("/account/password", data=data)
    assert refused.status_code == 422
    error = BeautifulSoup(refused.text, "html.parser").select_one(".form-error")
    assert error is not None and "current password is not right" in error.text
    done = quiz_client.post("/account/password", data=data | {"current_password": PASSWORD})
    notice = BeautifulSoup(done.text, "html.parser").select_one(".notice")
    assert done.status_code == 200 and notice is not None and "changed" in notice.text


def test_log_out_everywhere_ends_every_session(
    make_client: Callable[[], TestClient], db: Database
) -> None:
    laptop, phone = make_client(), make_client()
    register(laptop, "ada")
    assert login(phone, "ada") == 200
    response = laptop.post("/api/auth/logout-everywhere", headers=csrf(laptop))
    assert response.status_code == 204
    assert laptop.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 401
    assert sessions_of(db, "ada") == 0


def test_log_out_everywhere_form(make_client: Callable[[], TestClient], db: Database) -> None:
    laptop, phone = make_client(), make_client()
    register(laptop, "ada")
    assert login(phone, "ada") == 200
    page = BeautifulSoup(laptop.get("/account").text, "html.parser")
    form = page.select_one("form[action='/account/logout-everywhere']")
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[union-attr,index]
    response = laptop.post(
        "/account/logout-everywhere", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert sessions_of(db, "ada") == 0
    assert phone.get("/api/me").status_code == 401


# --- reset codes ------------------------------------------------------------------------------


@pytest.fixture
def teacher(make_client: Callable[[], TestClient], db: Database) -> TestClient:
    client = make_client()
    register(client, "teach")
    make_instructor(db, "teach")
    return client


def test_a_reset_code_sets_a_new_password_once_and_ends_sessions(
    make_client: Callable[[], TestClient], teacher: TestClient, db: Database
) -> None:
    student, stranger = make_client(), make_client()
    register(student, "ada")
    code = issue(teacher, "ada")
    assert len(code) == 14 and set(code.replace("-", "")) <= set(CODE_ALPHABET)
    with db.session(write=False) as s:
        row = s.scalar(select(PasswordReset))
        assert row is not None and code.replace("-", "") not in row.code_hash, "only a hash"
        assert timedelta(hours=23) < row.expires_at - utcnow() <= timedelta(hours=24)
    assert reset(stranger, "ada", code.lower().replace("-", " ")) == 204, "typed loosely"
    assert student.get("/api/me").status_code == 401, "every session ended"
    assert login(stranger, "ada", NEW) == 200
    assert reset(make_client(), "ada", code, "another new passphrase") == 422, "used up"


def test_wrong_and_expired_codes_are_refused(
    make_client: Callable[[], TestClient], teacher: TestClient, db: Database
) -> None:
    register(make_client(), "ada")
    register(make_client(), "bob")
    code = issue(teacher, "ada")
    client = make_client()
    assert reset(client, "bob", code) == 422, "a code works only for its student"
    assert reset(client, "nobody", code) == 422
    wrong = "".join("A" if c != "A" else "B" for c in code)
    response = client.post(
        "/api/auth/reset",
        json={"username": "ada", "code": wrong, "new_password": NEW},
        headers=csrf(client),
    )
    assert response.status_code == 422 and "ask your instructor" in response.json()["detail"]
    with db.session(write=True) as s:
        s.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert reset(client, "ada", code) == 422, "expired"
    assert login(client, "ada") == 200, "the password did not change"


def test_a_new_code_replaces_the_old_one(
    make_client: Callable[[], TestClient], teacher: TestClient
) -> None:
    register(make_client(), "ada")
    first, second = issue(teacher, "ada"), issue(teacher, "ada")
    assert first != second
    assert reset(make_client(), "ada", first) == 422
    assert reset(make_client(), "ada", second) == 204


def test_reset_code_tries_are_limited(
    db_settings: Settings, make_client: Callable[[], TestClient], teacher: TestClient
) -> None:
    register(make_client(), "ada")
    code = issue(teacher, "ada")
    guesser = make_client()
    for _ in range(db_settings.login_limit_per_account):
        assert reset(guesser, "ada", "AAAA-AAAA-AAAA") == 422
    response = guesser.post(
        "/api/auth/reset",
        json={"username": "ada", "code": code, "new_password": NEW},
        headers=csrf(guesser),
    )
    assert response.status_code == 429, "even the right code waits once guessing starts"
    assert int(response.headers["retry-after"]) > 0
    assert "reset code" in response.json()["detail"]


def test_only_instructors_issue_codes_and_only_for_students(
    make_client: Callable[[], TestClient], teacher: TestClient, db: Database
) -> None:
    student = make_client()
    register(student, "ada")
    refused = student.post("/api/auth/reset-codes", json={"username": "ada"}, headers=csrf(student))
    assert refused.status_code == 403
    for name in ("teach", "nobody"):
        response = teacher.post(
            "/api/auth/reset-codes", json={"username": name}, headers=csrf(teacher)
        )
        assert response.status_code == 404 and "no student called" in response.json()["detail"]
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(PasswordReset)) == 0


def test_reset_pages_for_instructor_and_student(
    make_client: Callable[[], TestClient], teacher: TestClient
) -> None:
    register(make_client(), "ada")
    page = BeautifulSoup(teacher.get("/account").text, "html.parser")
    form = page.select_one("form[action='/account/reset-code']")
    assert form is not None
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    issued = teacher.post("/account/reset-code", data={"csrf_token": token, "username": "ada"})
    assert issued.status_code == 200
    assert issued.headers["cache-control"].startswith("no-store"), "the code is not cached"
    code_el = BeautifulSoup(issued.text, "html.parser").select_one(".issued-code .reset-code")
    assert code_el is not None
    code = code_el.text

    student = make_client()
    form = BeautifulSoup(student.get("/reset").text, "html.parser").select_one(
        "form[action='/reset']"
    )
    assert form is not None
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    data = {"csrf_token": token, "username": "ada", "code": "wrong", "new_password": NEW}
    refused = student.post("/reset", data=data)
    assert refused.status_code == 422
    soup = BeautifulSoup(refused.text, "html.parser")
    assert "ask your instructor" in soup.select_one(".form-error").text  # type: ignore[union-attr]
    assert soup.select_one("input[name=username]")["value"] == "ada"  # type: ignore[index]
    done = student.post("/reset", data=data | {"code": code})
    assert done.status_code == 200
    notice = BeautifulSoup(done.text, "html.parser").select_one(".notice")
    assert notice is not None and "password is changed" in notice.text
    assert login(student, "ada", NEW) == 200
