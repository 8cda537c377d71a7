"""Schemathesis drives the public JSON API from its own OpenAPI document: whatever a client
sends, the answer is a documented status, never a 500."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from app.config import Settings
from app.main import create_app
from tests.conftest import REPO_LESSONS

# Schemathesis collects operations at import time, so this app is built here, once.
_data = Path(tempfile.mkdtemp(prefix="parade-fuzz-"))
app = create_app(
    Settings(
        lessons_dir=REPO_LESSONS,
        database_url=f"sqlite:///{_data / 'fuzz.db'}",
        watch_lessons=False,
        secret_key="fuzz-" + "x" * 32,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(
    path_regex=r"^/(healthz|api/lessons(/\{slug\})?|api/engine/trace)$"
)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_public_api_never_fails_with_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    where = f"{case.method} {case.formatted_path}: {response.text[:300]}"
    assert response.status_code < 500, where
    allowed = {200, 404, 405, 422}
    if case.method != "GET" and not case.path.startswith("/api/engine/"):
        allowed.add(403)  # a state-changing method without a CSRF token
    assert response.status_code in allowed, where
    if response.status_code == 422:
        assert response.json()["detail"], "a 422 says what is wrong"
