"""The app factory: settings objects, lifespan work and error pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from threadpoolctl import threadpool_info

from app.config import Settings
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
