"""The client address behind proxies: X-Forwarded-For is believed only from configured
proxies, and then only its right-most address that is not one of them."""

from __future__ import annotations

import httpx
import pytest
from db_fixtures import PASSWORD, csrf
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app
from app.web.clients import forwarded_scheme, networks, real_client

PROXIES = networks(("127.0.0.1", "10.0.0.0/8", "::1"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),  # the peer is no proxy of ours
        ("127.0.0.1", [], "127.0.0.1"),  # a proxy that said nothing
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        # the client wrote the first two; our proxy appended what it saw
        ("127.0.0.1", ["1.1.1.1, 2.2.2.2, 198.51.100.1"], "198.51.100.1"),
        # two of our proxies in a row: skip both
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1, 10.1.2.3"], "198.51.100.1"),
        ("127.0.0.1", ["6.6.6.6", "198.51.100.1, 10.1.2.3"], "198.51.100.1"),  # two headers
        ("127.0.0.1", ["10.0.0.9, 10.1.2.3"], "10.0.0.9"),  # every hop ours: the left-most
        ("::1", ["2001:db8::5"], "2001:db8::5"),
        ("127.0.0.1", ["not-an-address"], "not-an-address"),  # what our proxy wrote, kept
    ],
)
def test_real_client(peer: str, forwarded: list[str], expected: str) -> None:
    assert real_client(peer, forwarded, PROXIES) == expected


def test_no_trusted_proxies_means_the_header_is_ignored() -> None:
    assert real_client("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


def test_trusted_proxies_setting_reads_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARADE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,,2001:db8::/32")
    assert Settings().trusted_proxies == ["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"]
    monkeypatch.setenv("PARADE_TRUSTED_PROXIES", "")
    assert Settings().trusted_proxies == []
    monkeypatch.setenv("PARADE_TRUSTED_PROXIES", "127.0.0.1,proxy.example.org")
    with pytest.raises(ValidationError, match="'proxy.example.org' is not an IP address"):
        Settings()


def sign_ups(settings: Settings, forwarded: list[str]) -> list[int]:
    """Return the statuses of sign-ups from one local peer claiming the given addresses."""
    app = create_app(settings.model_copy(update={"register_limit_per_client": 2}))
    codes = []
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        for i, address in enumerate(forwarded):
            client.cookies.clear()
            response = client.post(
                "/api/auth/register",
                json={"username": f"user{i}", "password": PASSWORD},
                headers=csrf(client) | {"X-Forwarded-For": address},
            )
            codes.append(response.status_code)
    return codes


def test_a_forged_header_does_not_escape_the_limits(db_settings: Settings) -> None:
    # Before: uvicorn believed X-Forwarded-For from any local peer (70 of 70 sign-ups past 60).
    addresses = [f"198.51.100.{i}" for i in range(4)]
    assert sign_ups(db_settings, addresses) == [201, 201, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(db_settings: Settings) -> None:
    settings = db_settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    addresses = ["198.51.100.1", "198.51.100.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"]
    assert sign_ups(settings, addresses) == [201, 201, 201, 429], "the left entry is ignored"


@pytest.mark.parametrize(
    ("peer", "said", "expected"),
    [
        ("127.0.0.1", ["https"], "https"),
        ("127.0.0.1", ["http, https"], "https"),  # the nearest proxy wrote the right-most
        ("127.0.0.1", ["HTTPS"], "https"),
        ("127.0.0.1", [], ""),
        ("127.0.0.1", ["gopher"], ""),
        ("203.0.113.7", ["https"], ""),  # the peer is no proxy of ours
    ],
)
def test_forwarded_scheme(peer: str, said: list[str], expected: str) -> None:
    assert forwarded_scheme(peer, said, PROXIES) == expected


def sign_up_response(settings: Settings, proto: str, *, secure: bool) -> httpx.Response:
    """Sign up through a local peer that says the browser spoke `proto`; return the
    response that sets the session cookie."""
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        headers = {"X-Forwarded-Proto": proto}
        got = client.get("/api/auth/csrf", headers=headers)
        token = got.json()["csrf_token"]
        set_cookies = got.headers.get_list("set-cookie")
        assert set_cookies and all(("secure" in c.lower()) == secure for c in set_cookies), (
            set_cookies
        )
        # This client speaks plain HTTP, so it would not send Secure cookies back itself.
        jar = "; ".join(f"{name}={value}" for name, value in got.cookies.items())
        headers |= {"X-CSRFToken": token, "Cookie": jar}
        body = {"username": "ada", "password": PASSWORD}
        return client.post("/api/auth/register", json=body, headers=headers)


def test_behind_a_trusted_tls_proxy_cookies_are_secure_and_hsts_is_sent(
    db_settings: Settings,
) -> None:
    settings = db_settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    response = sign_up_response(settings, "https", secure=True)
    assert response.status_code == 201, response.text
    cookies = response.headers.get_list("set-cookie")
    assert cookies and all("secure" in c.lower() for c in cookies), cookies
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_anyone_elses_forwarded_proto_is_ignored(db_settings: Settings) -> None:
    response = sign_up_response(db_settings, "https", secure=False)  # no trusted proxies configured
    assert response.status_code == 201, response.text
    assert not any("secure" in c.lower() for c in response.headers.get_list("set-cookie"))
    assert "strict-transport-security" not in response.headers
