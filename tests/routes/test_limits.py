"""Rate limits counted in the database: sign-ups per client, and the login limit holding
exactly under simultaneous requests (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

from bs4 import BeautifulSoup
from db_fixtures import PASSWORD, count_rows, csrf, register
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.config import Settings
from app.db.database import Database
from app.db.models import LoginFailure, RegistrationAttempt, User, utcnow
from app.main import create_app

THREADS = 16


def sign_up(client: TestClient, username: str, password: str = PASSWORD) -> int:
    response = client.post(
        "/api/auth/register",
        json={"username": username, "password": password},
        headers=csrf(client),
    )
    return response.status_code


def login(client: TestClient, username: str, password: str) -> int:
    response = client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        headers=csrf(client),
    )
    return response.status_code


def rows(settings: Settings, model: type[LoginFailure | RegistrationAttempt | User]) -> int:
    return count_rows(settings, model)


@contextmanager
def app_with(settings: Settings, **limits: int) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update=limits))
    with TestClient(app):  # run the lifespan once for every client made below
        yield app


def client_at(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


# --- sign-ups per client ---------------------------------------------------------------------


def test_sign_ups_are_limited_per_client_address(db_settings: Settings) -> None:
    with app_with(db_settings, register_limit_per_client=3) as app:
        here = client_at(app, "10.0.0.1")
        assert [sign_up(here, f"user{i}") for i in range(3)] == [201, 201, 201]
        refused = here.post(
            "/api/auth/register",
            json={"username": "user3", "password": PASSWORD},
            headers=csrf(here),
        )
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= db_settings.register_window_seconds
        assert "Wait" in refused.json()["detail"]
        assert sign_up(client_at(app, "10.0.0.2"), "user3") == 201, "other addresses unaffected"
    assert rows(db_settings, User) == 4


def test_refused_sign_ups_count_too(db_settings: Settings) -> None:
    # Probing for taken usernames or weak passwords costs a sign-up each.
    with app_with(db_settings, register_limit_per_client=3) as app:
        here = client_at(app, "10.0.0.1")
        assert sign_up(here, "ada") == 201
        assert sign_up(here, "ada") == 409
        assert sign_up(here, "bob", "12345678") == 422
        assert sign_up(here, "cyd") == 429
    assert rows(db_settings, RegistrationAttempt) == 3


def test_sign_up_limit_is_shared_by_all_workers(db_settings: Settings) -> None:
    with (
        app_with(db_settings, register_limit_per_client=2) as worker_a,
        app_with(db_settings, register_limit_per_client=2) as worker_b,
    ):
        assert sign_up(client_at(worker_a, "10.0.0.1"), "ada") == 201
        assert sign_up(client_at(worker_b, "10.0.0.1"), "bob") == 201
        assert sign_up(client_at(worker_a, "10.0.0.1"), "cyd") == 429


def test_html_sign_up_form_shows_the_limit(db_settings: Settings) -> None:
    with app_with(db_settings, register_limit_per_client=1) as app:
        here = client_at(app, "10.0.0.1")
        assert sign_up(here, "ada") == 201
        token = csrf(here)["X-CSRFToken"]
        response = here.post(
            "/register", data={"username": "bob", "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        soup = BeautifulSoup(response.text, "html.parser")
        error = soup.select_one(".form-error")
        assert error is not None and "Too many accounts" in error.text
        assert soup.select_one("input[name=username]")["value"] == "bob"  # type: ignore[index]


def test_old_sign_ups_leave_the_window(db_settings: Settings) -> None:
    window = 600
    with app_with(db_settings, register_limit_per_client=1, register_window_seconds=window) as app:
        here = client_at(app, "10.0.0.1")
        assert sign_up(here, "ada") == 201
        assert sign_up(here, "bob") == 429
        # Age the stored sign-ups past the window rather than sleep through it: a loaded
        # machine cannot make this test pass or fail by being slow.
        db = Database.from_url(db_settings.database_url)
        with db.session(write=True) as s:
            old = utcnow() - timedelta(seconds=window + 1)
            s.execute(update(RegistrationAttempt).values(created_at=old))
            s.commit()
        db.dispose()
        assert sign_up(here, "bob") == 201


# --- simultaneous requests --------------------------------------------------------------------


def all_at_once(calls: list[Callable[[], int]]) -> Counter[int]:
    """Run `calls` on as many threads, released together; return their status codes."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return Counter(pool.map(run, calls))


def test_simultaneous_wrong_logins_get_exactly_the_limit(db_settings: Settings) -> None:
    limit = 5
    with app_with(db_settings, login_limit_per_account=limit) as app:
        register(TestClient(app), "ada")
        # One browser per thread, each from its own address: only the account limit applies.
        clients = [client_at(app, f"10.0.1.{i}") for i in range(THREADS)]
        for c in clients:
            csrf(c)  # fetch the CSRF cookie before the race
        codes = all_at_once([lambda c=c: login(c, "ada", "wrong password") for c in clients])
        assert codes == {401: limit, 429: THREADS - limit}
        assert login(clients[0], "ada", PASSWORD) == 429, "the right password waits too"
    assert rows(db_settings, LoginFailure) == limit


def test_simultaneous_guesses_from_one_client_get_exactly_its_limit(
    db_settings: Settings,
) -> None:
    limit = 4
    with app_with(db_settings, login_limit_per_client=limit) as app:
        clients = [client_at(app, "10.0.2.1") for _ in range(THREADS)]
        for c in clients:
            csrf(c)
        codes = all_at_once(
            [lambda c=c, i=i: login(c, f"user{i}", "wrong password") for i, c in enumerate(clients)]
        )
        assert codes == {401: limit, 429: THREADS - limit}
    assert rows(db_settings, LoginFailure) == limit


def test_simultaneous_sign_ups_get_exactly_the_limit(db_settings: Settings) -> None:
    limit = 3
    with app_with(db_settings, register_limit_per_client=limit) as app:
        clients = [client_at(app, "10.0.3.1") for _ in range(8)]
        for c in clients:
            csrf(c)
        codes = all_at_once(
            [lambda c=c, i=i: sign_up(c, f"user{i}") for i, c in enumerate(clients)]
        )
        assert codes == {201: limit, 429: len(clients) - limit}
    assert rows(db_settings, User) == rows(db_settings, RegistrationAttempt) == limit
