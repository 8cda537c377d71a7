"""The app factory: settings objects, lifespan work and error pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from threadpoolctl import threadpool_info

from app.accounts.passwords import hash_password, use_hash_cost, verify_password
from app.config import DEVELOPMENT_SECRET, InsecureSecret, Settings
from app.main import create_app


def test_server_process_limits_blas_threads(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"blas_threads": 1}))):
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)


def test_every_setting_is_documented_in_the_readme() -> None:
    from app.config import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        if name in {"templates_dir", "static_dir"}:
            continue  # paths inside the project, not meant to be configured
        assert field.description, name
        assert f"PARADE_{name.upper()}" in readme, name


def test_unexpected_errors_show_a_plain_page_without_a_traceback(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert "unexpected problem" in r.text


def test_pages_and_traces_are_compressed_for_clients_that_ask(client: TestClient) -> None:
    page = client.get("/lessons/rnn", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert int(page.headers["content-length"]) < len(page.content) / 3  # httpx inflated it
    plain = client.get("/lessons/rnn", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == page.text


def test_the_training_stream_still_streams_when_compressed(client: TestClient) -> None:
    body = {
        "task": "remember_first",
        "hidden_size": 4,
        "parade_length": 3,
        "steps": 4,
        "log_every": 1,
    }
    with client.stream(
        "POST", "/api/engine/train", json=body, headers={"accept-encoding": "gzip"}
    ) as r:
        lines = [line for line in r.iter_lines() if line]
    assert [line.split(",")[0] for line in lines][:2] == ['{"event":"start"', '{"event":"progress"']
    assert len(lines) == 6


def test_api_docs_need_nothing_from_the_internet(client: TestClient) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get("/docs").text, "html.parser")
    urls = [t.get("src") or t.get("href") for t in soup.find_all(["script", "link"])]
    urls = [u for u in urls if u]
    assert urls and all(u.startswith("http://testserver/static/") for u in urls), urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404  # ReDoc would need a CDN: not offered


def test_pages_are_not_stored_by_caches_static_files_are(client: TestClient) -> None:
    for url in ("/", "/lessons/rnn", "/login", "/lessons/nope"):
        assert client.get(url).headers["cache-control"] == "no-store", url
    assert "no-store" not in client.get("/static/css/parade.css").headers.get("cache-control", "")
    assert "no-store" not in client.get("/api/lessons").headers.get("cache-control", "")


def test_production_refuses_the_development_secret(tmp_path: Path) -> None:
    base = {"lessons_dir": tmp_path, "watch_lessons": False, "password_hash_cost": "standard"}
    with pytest.raises(InsecureSecret, match="PARADE_SECRET_KEY"):
        create_app(Settings(environment="production", secret_key=DEVELOPMENT_SECRET, **base))
    with pytest.raises(InsecureSecret):
        create_app(Settings(environment="production", secret_key="short", **base))
    good = Settings(environment="production", secret_key="k" * 40, **base)
    create_app(good)
    with pytest.raises(InsecureSecret, match="PARADE_PASSWORD_HASH_COST"):
        create_app(good.model_copy(update={"password_hash_cost": "test"}))


def test_passwords_hash_at_the_settings_cost_and_verify_at_either(tmp_path: Path) -> None:
    base = {"lessons_dir": tmp_path, "watch_lessons": False}
    try:
        create_app(Settings(password_hash_cost="standard", **base))
        standard = hash_password("correct horse battery")
        assert standard.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        create_app(Settings(password_hash_cost="test", **base))
        cheap = hash_password("correct horse battery")
        assert cheap.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
        for stored in (standard, cheap):  # each hash carries its own parameters
            assert verify_password("correct horse battery", stored)
            assert not verify_password("correct horse battery!", stored)
    finally:
        use_hash_cost(os.environ.get("PARADE_PASSWORD_HASH_COST", "standard"))


def test_development_warns_loudly_about_the_default_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    create_app(Settings(lessons_dir=tmp_path, watch_lessons=False))
    assert "PARADE_SECRET_KEY is the development default" in caplog.text
