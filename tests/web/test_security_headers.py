"""Every response carries the security headers, whatever route answered it (taken from the
app's route table, so a new route is covered without a new test), errors and static files
included; HSTS only over HTTPS."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from app.web.middleware import CONTENT_SECURITY_POLICY, HSTS

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def get_paths(app: FastAPI) -> list[str]:
    """Every GET route, with its path parameters filled with a real lesson's values."""
    filled = {"{slug}": "rnn", "{question_id}": "x", "{dilemma_id}": "x"}
    paths = []
    for context in iter_route_contexts(app.routes):
        if "GET" in (context.methods or set()):
            path = str(context.path)
            for name, value in filled.items():
                path = path.replace(name, value)
            paths.append(path)
    return paths + ["/static/css/parade.css", "/no-such-page", "/api/no-such-thing"]


def test_every_route_sends_the_security_headers(app: FastAPI, client: TestClient) -> None:
    paths = get_paths(app)
    assert len(paths) > 10
    for path in paths:
        response = client.get(path, follow_redirects=False)
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (path, name)
        assert "permissions-policy" in response.headers
        assert "strict-transport-security" not in response.headers, "not over plain HTTP"


def test_a_refused_post_carries_them_too(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={})  # no CSRF token: 403 from middleware
    assert response.status_code == 403
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/", "/api/lessons"])
def test_hsts_over_https(app: FastAPI, path: str) -> None:
    with TestClient(app, base_url="https://testserver") as secure:
        assert secure.get(path).headers["strict-transport-security"] == HSTS


def test_the_policy_allows_no_inline_script_or_style() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
