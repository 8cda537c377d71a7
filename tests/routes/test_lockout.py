"""Lock-out that slows guessers rather than refusing the owner: per-account failures make
browsers new to the account wait longer and longer, a browser that logged in before is not
slowed, a success forgets no one else's failures, and the per-address limit fits a class
behind one NAT address. Times are set by writing failures with chosen timestamps (no sleeps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from db_fixtures import PASSWORD, csrf, register
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.accounts.limits import LoginLimits, account_delay
from app.config import Settings
from app.db.database import Database
from app.db.models import LoginFailure, utcnow
from app.main import create_app

LIMITS = LoginLimits(per_account=5, per_client=100, window=timedelta(minutes=15))


def login_response(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    body = {"username": username, "password": password}
    return client.post("/api/auth/login", json=body, headers=csrf(client))


def fail(settings: Settings, username: str, n: int, *, ago: timedelta, client: str) -> None:
    """Write `n` failed logins for `username`, the latest `ago` before now."""
    db = Database.from_url(settings.database_url)
    with db.session(write=True) as s:
        latest = utcnow() - ago
        for i in range(n):
            at = latest - timedelta(milliseconds=i)
            s.add(LoginFailure(username=username, client=client, created_at=at))
        s.commit()
    db.dispose()


def failures(settings: Settings, username: str) -> int:
    db = Database.from_url(settings.database_url)
    with db.session(write=False) as s:
        n = s.scalar(
            select(func.count()).select_from(LoginFailure).where(LoginFailure.username == username)
        )
    db.dispose()
    return n or 0


def test_the_delay_grows_from_the_limit_and_is_capped_at_the_window() -> None:
    seconds = [account_delay(n, LIMITS).total_seconds() for n in range(13)]
    assert seconds == [0, 0, 0, 0, 0, 15, 30, 60, 120, 240, 480, 900, 900]
    assert account_delay(10_000, LIMITS) == LIMITS.window


@pytest.mark.parametrize(("n", "delay"), [(5, 15), (6, 30), (8, 120), (11, 900), (40, 900)])
def test_a_new_browser_waits_the_delay_after_the_latest_failure(
    make_client: Callable[[], TestClient], db_settings: Settings, n: int, delay: int
) -> None:
    register(make_client(), "ada")
    fail(db_settings, "ada", n, ago=timedelta(seconds=2), client="203.0.113.9")
    response = login_response(make_client(), "ada")  # the right password
    assert response.status_code == 429
    # The latest failure was 2 s ago (give or take a slow machine's seconds).
    assert delay - 10 <= int(response.headers["retry-after"]) <= delay - 1
    assert "Wait" in response.json()["detail"]
    assert failures(db_settings, "ada") == n, "a refused try is not counted"


def test_once_the_delay_has_passed_one_more_try_is_allowed(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    register(make_client(), "ada")
    fail(db_settings, "ada", 6, ago=timedelta(seconds=31), client="203.0.113.9")
    guesser = make_client()
    assert login_response(guesser, "ada", "wrong password").status_code == 401
    again = login_response(guesser, "ada", "wrong password")
    assert again.status_code == 429, "7 failures: the next waits 60 s"
    assert 50 <= int(again.headers["retry-after"]) <= 60


def test_account_failures_count_for_a_day_and_then_are_forgotten(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    register(make_client(), "ada")
    # Older than the window but within the day: the account still remembers them, so a
    # patient guesser gets one try per window, not five fresh ones.
    fail(db_settings, "ada", 30, ago=timedelta(minutes=10), client="203.0.113.9")
    assert login_response(make_client(), "ada").status_code == 429
    fail(db_settings, "bob", 30, ago=timedelta(hours=24, seconds=1), client="203.0.113.9")
    register(make_client(), "bob")
    assert login_response(make_client(), "bob").status_code == 200
    assert failures(db_settings, "bob") == 0, "failures older than a day are deleted"


def test_a_patient_guesser_gets_one_try_per_window(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    register(make_client(), "ada")
    window = timedelta(seconds=db_settings.login_window_seconds)
    fail(db_settings, "ada", 12, ago=window + timedelta(seconds=1), client="203.0.113.9")
    guesser = make_client()
    assert login_response(guesser, "ada", "wrong password").status_code == 401
    again = login_response(guesser, "ada", "wrong password")
    assert again.status_code == 429
    wait = int(again.headers["retry-after"])  # the window, less the seconds the tries took
    assert db_settings.login_window_seconds - 10 <= wait <= db_settings.login_window_seconds


def test_the_owners_browser_is_not_slowed_by_others_failures(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    owner = make_client()
    register(owner, "ada")
    assert "ada:" in (owner.cookies.get("parade_device") or ""), "registering marks the browser"
    owner.post("/api/auth/logout", headers=csrf(owner))
    fail(db_settings, "ada", 40, ago=timedelta(seconds=1), client="203.0.113.9")
    assert login_response(owner, "ada").status_code == 200
    assert failures(db_settings, "ada") == 40, "the owner's success forgot no one's failures"
    stranger = make_client()
    assert login_response(stranger, "ada").status_code == 429


def test_a_forged_or_stale_device_cookie_gives_no_pass(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    owner = make_client()
    register(owner, "ada")
    mark = owner.cookies["parade_device"]
    forger = make_client()
    forger.cookies.set("parade_device", "ada:AAAAAAAAAAAAAAAAAAAAAAAA")
    body = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    assert owner.post("/api/auth/password", json=body, headers=csrf(owner)).status_code == 204
    stale = make_client()
    stale.cookies.set("parade_device", mark)  # from before the password changed
    fail(db_settings, "ada", 5, ago=timedelta(seconds=1), client="203.0.113.9")
    for client in (forger, stale):
        assert login_response(client, "ada", "a brand new passphrase").status_code == 429


def test_a_device_cookie_remembers_several_accounts(
    make_client: Callable[[], TestClient], db_settings: Settings
) -> None:
    lab_computer = make_client()
    for name in ("ada", "bob"):
        register(lab_computer, name)
    fail(db_settings, "ada", 5, ago=timedelta(seconds=1), client="203.0.113.9")
    fail(db_settings, "bob", 5, ago=timedelta(seconds=1), client="203.0.113.9")
    assert login_response(lab_computer, "ada").status_code == 200
    assert login_response(lab_computer, "bob").status_code == 200


def test_a_class_behind_one_address_can_log_in(db_settings: Settings) -> None:
    # 24 students, one NAT address, each mistyping once: 24 failures, under the default
    # per-address limit (before, 20 failures from one address locked the whole class out).
    app = create_app(db_settings)
    names = [f"student{i:02d}" for i in range(24)]
    with TestClient(app, client=("198.51.100.20", 50000)) as setup:
        for name in names:
            setup.cookies.clear()
            register(setup, name)
    with TestClient(app, client=("198.51.100.20", 50000)) as desk:
        for name in names:
            desk.cookies.clear()  # each student at their own browser, one NAT address
            assert login_response(desk, name, "wrong password").status_code == 401
            assert login_response(desk, name).status_code == 200, name


def test_per_client_limit_counts_failures_only(db_settings: Settings) -> None:
    app = create_app(db_settings.model_copy(update={"login_limit_per_client": 3}))
    with TestClient(app, client=("198.51.100.30", 50000)) as client:
        register(client, "ada")
        for _ in range(5):
            assert login_response(client, "ada").status_code == 200, "successes do not count"
        for name in ("u1", "u2", "u3"):
            assert login_response(client, name, "wrong password").status_code == 401
        refused = login_response(client, "u4", "wrong password")
        assert refused.status_code == 429
        assert "Wait" in refused.json()["detail"]


def test_every_login_decision_is_logged_without_the_password(
    make_client: Callable[[], TestClient],
    db_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    register(make_client(), "ada")
    caplog.set_level("INFO", logger="parade.auth")
    guesser = make_client()
    assert login_response(guesser, "ada", "guess-number-1").status_code == 401
    fail(db_settings, "ada", 5, ago=timedelta(seconds=1), client="203.0.113.9")
    assert login_response(guesser, "ada", "guess-number-2").status_code == 429
    assert login_response(make_client(), "bob", "guess-number-3").status_code == 401
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "parade.auth"]
    assert said[0] == ("WARNING", "login failed for 'ada' from testclient")
    assert said[1][0] == "WARNING" and said[1][1].startswith(
        "login refused for 'ada' from testclient: retry after "
    )
    assert said[2] == ("WARNING", "login failed for 'bob' from testclient")
    assert not any("guess-number" in message for _, message in said)


def test_a_successful_login_is_logged(
    make_client: Callable[[], TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    register(make_client(), "ada")
    caplog.set_level("INFO", logger="parade.auth")
    assert login_response(make_client(), "Ada").status_code == 200
    said = [r.getMessage() for r in caplog.records if r.name == "parade.auth"]
    assert said == ["login as 'ada' from testclient"]
    assert PASSWORD not in " ".join(said)
