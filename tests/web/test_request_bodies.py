"""Request bodies over PARADE_MAX_REQUEST_KB get 413 before any route reads them: by their
Content-Length, or counted as they arrive when sent without one (chunked), as JSON for the
API and as a page for forms, with the security headers, and nothing stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from db_fixtures import count_rows, csrf, running_server
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.db.models import User
from app.main import create_app
from app.web.middleware import CONTENT_SECURITY_POLICY, TOO_LARGE

LIMIT = 1024  # bytes: max_request_kb=1


@pytest.fixture
def small(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"max_request_kb": 1}))) as client:
        yield client


def sign_up(password: str) -> bytes:
    return json.dumps({"username": "ada", "password": password}).encode()


def test_a_body_over_the_limit_is_refused_and_nothing_is_stored(
    small: TestClient, settings: Settings
) -> None:
    body = sign_up("p" * LIMIT)
    assert len(body) > LIMIT
    headers = {**csrf(small), "content-type": "application/json"}
    r = small.post("/api/auth/register", content=body, headers=headers)
    assert r.status_code == 413
    assert r.json() == {"detail": TOO_LARGE}
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert count_rows(settings, User) == 0
    # The same request within the limit goes through: the limit is the only reason.
    r = small.post("/api/auth/register", content=sign_up("p" * 100), headers=headers)
    assert r.status_code == 201 and count_rows(settings, User) == 1


def test_a_body_of_exactly_the_limit_is_read(small: TestClient) -> None:
    body = json.dumps({"input": "abc"}).encode()
    body += b" " * (LIMIT - len(body))  # JSON allows trailing white space
    assert len(body) == LIMIT
    r = small.post("/api/engine/trace", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text


def test_a_chunked_body_is_counted_as_it_arrives(small: TestClient, settings: Settings) -> None:
    """No Content-Length to go by: the bytes read are counted and the route never runs."""

    def chunks() -> Iterator[bytes]:
        body = sign_up("p" * 4 * LIMIT)
        for start in range(0, len(body), 256):
            yield body[start : start + 256]

    headers = {**csrf(small), "content-type": "application/json"}
    r = small.post("/api/auth/register", content=chunks(), headers=headers)
    assert r.status_code == 413
    assert r.json() == {"detail": TOO_LARGE}
    assert count_rows(settings, User) == 0


def test_a_form_over_the_limit_gets_a_page(small: TestClient) -> None:
    small.get("/login")  # the CSRF cookie
    token = csrf(small)["X-CSRFToken"]
    form = {"username": "ada", "password": "p" * 2 * LIMIT, "csrf_token": token}
    r = small.post("/login", data=form)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    assert TOO_LARGE in r.text and "Traceback" not in r.text


@pytest.mark.slow
def test_a_real_server_refuses_a_large_upload_and_keeps_serving(tmp_path: Path) -> None:
    """Through uvicorn, at the default limit (1 MiB): 5 MB declared, then 5 MB chunked."""
    big = json.dumps({"input": "a", "text": "x" * 5_000_000}).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65_536):
            yield big[start : start + 65_536]

    url = f"sqlite:///{tmp_path / 'p.db'}"
    with running_server(PROJECT_ROOT / "lessons", url, tmp_path) as base:
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.post("/api/engine/trace", content=big).status_code == 413
            assert client.post("/api/engine/trace", content=chunks()).status_code == 413
            assert client.get("/healthz").status_code == 200
            assert client.post("/api/engine/trace", json={"input": "abc"}).status_code == 200
