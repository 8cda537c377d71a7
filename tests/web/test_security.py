"""Security checks built from the route table, so that a new route must be classified here.

- every route's access rule is declared in ROUTES (a route missing from it fails the suite);
- every state-changing route refuses a missing or wrong CSRF token with 403 and changes
  nothing, unless the CSRF middleware exempts it, which only routes that never read the
  session may be;
- one student never sees another's attempts or progress (no route takes a user id: "me" is
  the session);
- no response before answering holds an answer, feedback, hint, explanation or commentary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest
from bs4 import BeautifulSoup
from db_fixtures import PASSWORD, attempt, csrf, register
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.database import Database
from app.db.models import (
    Attempt,
    AuthSession,
    Base,
    DilemmaResponse,
    Heartbeat,
    LoginFailure,
    PasswordReset,
    RegistrationAttempt,
    TrainedNetwork,
    TrainLease,
    UsageEvent,
    User,
)
from app.main import create_app
from app.web import deps
from app.web.csrf import CSRFMiddleware

Access = Literal["public", "user", "instructor", "csrf-exempt"]

# (method, path) -> who may use it. "public": guests too (answers by guests are not stored);
# "user": a logged-in account; "instructor": instructors only; "csrf-exempt": a pure
# computation that reads no session and stores nothing.
ROUTES: dict[tuple[str, str], Access] = {
    ("GET", "/openapi.json"): "public",
    ("GET", "/docs"): "public",
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/api/engine/limits"): "public",
    ("GET", "/api/engine/shipped/{lesson}/{name}"): "public",
    ("GET", "/api/lessons"): "public",
    ("GET", "/api/lessons/{slug}"): "public",
    ("POST", "/api/engine/trace"): "csrf-exempt",
    ("POST", "/api/engine/train"): "csrf-exempt",
    ("POST", "/api/engine/sample"): "csrf-exempt",
    ("GET", "/"): "public",
    ("GET", "/lessons/{slug}"): "public",
    ("GET", "/status"): "instructor",
    ("GET", "/api/auth/csrf"): "public",
    ("POST", "/api/auth/register"): "public",
    ("POST", "/api/auth/login"): "public",
    ("POST", "/api/auth/logout"): "public",
    ("GET", "/api/me"): "user",
    ("POST", "/api/auth/password"): "user",
    ("POST", "/api/auth/logout-everywhere"): "user",
    ("POST", "/api/auth/reset-codes"): "instructor",
    ("POST", "/api/auth/reset"): "public",
    ("GET", "/api/lessons/{slug}/quiz"): "public",
    ("POST", "/api/lessons/{slug}/quiz/{question_id}/attempts"): "public",
    ("POST", "/api/lessons/{slug}/dilemmas/{dilemma_id}/responses"): "public",
    ("GET", "/api/me/progress"): "user",
    ("GET", "/api/me/calibration"): "user",
    ("GET", "/api/instructor/stats"): "instructor",
    ("GET", "/register"): "public",
    ("POST", "/register"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("GET", "/logout"): "public",
    ("POST", "/logout"): "public",
    ("POST", "/lessons/{slug}/quiz/{question_id}"): "public",
    ("POST", "/lessons/{slug}/dilemmas/{dilemma_id}"): "public",
    ("GET", "/me/progress"): "user",
    ("GET", "/account"): "user",
    ("POST", "/account/password"): "user",
    ("POST", "/account/logout-everywhere"): "user",
    ("POST", "/account/reset-code"): "instructor",
    ("GET", "/reset"): "public",
    ("POST", "/reset"): "public",
    ("GET", "/instructor"): "instructor",
    ("GET", "/instructor/lessons/{slug}/items"): "instructor",
    ("GET", "/api/instructor/lessons/{slug}/items"): "instructor",
    ("GET", "/api/lessons/{slug}/dilemmas/{dilemma_id}"): "public",
    ("GET", "/api/instructor/lessons/{slug}/dilemmas"): "instructor",
    ("POST", "/api/instructor/dilemma-responses/{response_id}/hide"): "instructor",
    ("POST", "/api/instructor/dilemma-responses/{response_id}/show"): "instructor",
    ("GET", "/instructor/lessons/{slug}/dilemmas"): "instructor",
    ("POST", "/instructor/dilemma-responses/{response_id}/hide"): "instructor",
    ("POST", "/instructor/dilemma-responses/{response_id}/show"): "instructor",
    ("GET", "/instructor/gradebook"): "instructor",
    ("GET", "/instructor/export/course-gradebook.csv"): "instructor",
    ("GET", "/instructor/lessons/{slug}/gradebook"): "instructor",
    ("GET", "/instructor/lessons/{slug}/export/gradebook.csv"): "instructor",
    ("GET", "/instructor/lessons/{slug}/export/attempts.csv"): "instructor",
    ("GET", "/instructor/lessons/{slug}/export/dilemmas.csv"): "instructor",
    ("GET", "/instructor/students/{user_id}"): "instructor",
    ("GET", "/me/record"): "user",
    ("GET", "/me/record.csv"): "user",
}

PATH_VALUES = {
    "slug": "quizzy",
    "question_id": "single",
    "dilemma_id": "phone",
    "response_id": "1",
    "user_id": "1",
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SESSION_DEPS = {
    deps.get_session,
    deps.get_optional_user,
    deps.get_current_user,
    deps.get_instructor,
    deps.get_database,
}


def route_table(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    for context in iter_route_contexts(app.routes):
        for method in sorted((context.methods or set()) - {"HEAD"}):
            yield method, str(context.path), context.original_route


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: PATH_VALUES.get(m.group(1), "x"), path)


def dependency_calls(route: APIRoute) -> set[Callable[..., Any]]:
    calls: set[Callable[..., Any]] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        d = stack.pop()
        if d.call is not None:
            calls.add(d.call)
        stack.extend(d.dependencies)
    return calls


def csrf_exempt_prefixes(app: FastAPI) -> tuple[str, ...]:
    (middleware,) = [m for m in app.user_middleware if m.cls is CSRFMiddleware]
    return tuple(middleware.kwargs.get("exempt", ()))


def row_counts(settings: Settings) -> dict[str, int]:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        counts = {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
            for m in (
                User,
                AuthSession,
                LoginFailure,
                RegistrationAttempt,
                PasswordReset,
                Attempt,
                DilemmaResponse,
                Heartbeat,
                UsageEvent,
                TrainLease,
                TrainedNetwork,
            )
        }
    db.dispose()
    assert set(counts) == set(Base.metadata.tables)
    return counts


SAMPLE_BODIES: dict[str, Any] = {
    "/api/auth/register": {"username": "mallory", "password": PASSWORD},
    "/api/auth/login": {"username": "ada", "password": PASSWORD},
    "/api/lessons/quizzy/quiz/single/attempts": {"answer": "hidden"},
    "/api/lessons/quizzy/dilemmas/phone/responses": {"choice": "rnn"},
}
SAMPLE_FORMS: dict[str, dict[str, str]] = {
    "/register": {"username": "mallory", "password": PASSWORD},
    "/login": {"username": "ada", "password": PASSWORD},
    "/lessons/quizzy/quiz/single": {"answer": "hidden"},
    "/lessons/quizzy/dilemmas/phone": {"choice": "rnn"},
}


def test_every_route_is_classified(db_settings: Settings) -> None:
    app = create_app(db_settings)
    found = {(method, path) for method, path, _ in route_table(app)}
    assert found - set(ROUTES) == set(), "new route: add it to ROUTES and test its access"
    assert set(ROUTES) - found == set(), "ROUTES lists a route that no longer exists"


def test_csrf_exemptions_are_only_for_routes_that_never_read_the_session(
    db_settings: Settings,
) -> None:
    app = create_app(db_settings)
    exempt = csrf_exempt_prefixes(app)
    for method, path, route in route_table(app):
        if method in UNSAFE and path.startswith(exempt):
            assert ROUTES[(method, path)] == "csrf-exempt", path
            assert isinstance(route, APIRoute)
            calls = dependency_calls(route)
            reads = calls & SESSION_DEPS
            if deps.get_engine_budget in calls:
                # The engine's limits count per client address in the database (app/lab/
                # budget.py): the database, but never the cookie or who is logged in.
                reads -= {deps.get_database}
            assert not reads, f"{path} reads the session"
        else:
            assert ROUTES[(method, path)] != "csrf-exempt", f"{path} is not exempt in the app"


@pytest.mark.parametrize("token", [None, "wrong", "forged.signature"])
def test_state_changing_routes_refuse_a_missing_or_wrong_csrf_token(
    make_client: Callable[[], TestClient], db_settings: Settings, token: str | None
) -> None:
    client = make_client()
    register(client, "ada")
    before = row_counts(db_settings)
    app = create_app(db_settings)
    exempt = csrf_exempt_prefixes(app)
    checked = 0
    for method, path, _ in route_table(app):
        if method not in UNSAFE or path.startswith(exempt):
            continue
        url = concrete(path)
        headers = {} if token is None else {"X-CSRFToken": token}
        json_body = client.request(method, url, json=SAMPLE_BODIES.get(url, {}), headers=headers)
        form = dict(SAMPLE_FORMS.get(url, {}))
        if token is not None:
            form["csrf_token"] = token
        form_body = client.request(method, url, data=form)
        assert (json_body.status_code, form_body.status_code) == (403, 403), path
        checked += 1
    assert checked >= 10
    assert row_counts(db_settings) == before, "a refused request changed nothing"
    assert client.get("/api/me").status_code == 200, "still logged in: logout was refused too"


def test_a_token_from_another_browser_is_refused(make_client: Callable[[], TestClient]) -> None:
    ada, other = make_client(), make_client()
    register(ada, "ada")
    stolen = csrf(other)  # valid token, but not the one in ada's cookie
    response = ada.post(
        "/api/lessons/quizzy/quiz/single/attempts", json={"answer": "hidden"}, headers=stolen
    )
    assert response.status_code == 403


def test_csrf_cookie_is_set_on_html_pages(quiz_client: TestClient) -> None:
    for path in ("/", "/lessons/quizzy", "/login", "/register"):
        quiz_client.cookies.clear()
        response = quiz_client.get(path)
        cookie = next(c for c in response.headers.get_list("set-cookie") if "csrftoken=" in c)
        assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower(), path


@pytest.mark.parametrize("access", ["user", "instructor"])
def test_protected_routes_refuse_guests_and_students(
    make_client: Callable[[], TestClient], db_settings: Settings, access: Access
) -> None:
    guest, student = make_client(), make_client()
    register(student, "ada")
    routes = [(m, p) for (m, p), a in ROUTES.items() if a == access]
    assert routes
    for method, path in routes:
        # With a valid CSRF token, so that it is the access check that refuses.
        headers = csrf(guest) if method in UNSAFE else {}
        response = guest.request(method, concrete(path), headers=headers, follow_redirects=False)
        # Pages send you to log in; a form posted without a login says so.
        expected = 303 if method == "GET" and not path.startswith("/api/") else 401
        assert response.status_code == expected, path
        if access == "instructor":
            headers = csrf(student) if method in UNSAFE else {}
            assert student.request(method, concrete(path), headers=headers).status_code == 403, path


def test_students_see_only_their_own_attempts_and_progress(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    ada, bob = make_client(), make_client()
    register(ada, "ada")
    register(bob, "bob")
    for _ in range(3):
        attempt(ada, "single", "weights")
    attempt(ada, "tf", False)
    assert not any(
        ("{user" in path or "{id" in path) and access != "instructor"
        for (_, path), access in ROUTES.items()
    ), "only instructors' routes address another user's data by id"
    # bob's views of "me" show nothing of ada's work
    (lesson,) = bob.get("/api/me/progress").json()
    assert lesson["score"] == 0 and lesson["questions_tried"] == 0
    quiz = bob.get("/api/lessons/quizzy/quiz").json()
    assert all(item["progress"]["tries"] == 0 for item in quiz)
    assert "ada" not in bob.get("/me/progress").text
    # bob can still answer: ada used every try at 'single', bob has his own
    assert attempt(bob, "single", "hidden").json()["attempt"] == 1
    # a guest sees no one's progress
    guest = make_client()
    assert all(item["progress"] is None for item in guest.get("/api/lessons/quizzy/quiz").json())


def test_no_secret_in_any_get_response_before_answering(
    make_client: Callable[[], TestClient],
) -> None:
    guest, student = make_client(), make_client()
    register(student, "ada")
    for client in (guest, student):
        for method, path in ROUTES:
            if method != "GET":
                continue
            response = client.get(concrete(path))
            assert "SECRET-" not in response.text, f"{path} leaks before answering"


def test_password_is_never_echoed(quiz_client: TestClient) -> None:
    response = quiz_client.post(
        "/register",
        data={
            "username": "ada",
            "password": "12345678",
            "csrf_token": csrf(quiz_client)["X-CSRFToken"],
        },
    )
    assert response.status_code == 422
    assert "12345678" not in response.text
    register(quiz_client, "bob")
    assert PASSWORD not in quiz_client.get("/api/me").text


def test_every_instructor_route_refuses_a_student_in_the_same_words(
    make_client: Callable[[], TestClient],
) -> None:
    student = make_client()
    register(student, "ada")
    said = set()
    for (method, path), access in ROUTES.items():
        if access != "instructor":
            continue
        headers = csrf(student) if method in UNSAFE else {}
        response = student.request(method, concrete(path), headers=headers)
        assert response.status_code == 403, path
        if path.startswith("/api/"):
            said.add(response.json()["detail"])
        else:
            main = BeautifulSoup(response.text, "html.parser").find("main")
            assert main is not None
            said.add(" ".join(main.get_text(" ", strip=True).split()))
    text = (
        "This is for instructors only: you are logged in as ada, a student. "
        "Ask an instructor if you need it."
    )
    assert all(text in s for s in said), said
