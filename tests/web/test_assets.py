"""Static files: versioned URLs in every page, cached for a year in production, revalidated
in development and on the plain /static paths; a changed file changes every URL."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.main import create_app
from app.web.assets import IMMUTABLE, REVALIDATE, static_version


def asset_urls(client: TestClient, path: str = "/") -> list[str]:
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    links = [str(t["href"]) for t in soup.find_all("link", href=True)]
    scripts = [str(t["src"]) for t in soup.find_all("script", src=True)]
    paths = [urlsplit(u).path for u in links + scripts]
    return [p for p in paths if p.startswith("/static")]


def test_pages_link_versioned_assets(client: TestClient) -> None:
    version = static_version(PROJECT_ROOT / "static")
    urls = asset_urls(client, "/lessons/rnn")
    assert urls and all(u.startswith(f"/static/{version}/") for u in urls), urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == REVALIDATE  # development


def test_production_caches_versioned_assets_for_a_year(settings: Settings) -> None:
    production = settings.model_copy(
        update={
            "environment": "production",
            "secret_key": "a-real-secret-" + "k" * 40,
            "password_hash_cost": "standard",
        }
    )
    with TestClient(create_app(production)) as client:
        (url,) = [u for u in asset_urls(client) if u.endswith("parade.css")]
        first = client.get(url)
        assert first.headers["cache-control"] == IMMUTABLE
        assert "max-age=31536000" in IMMUTABLE
        plain = client.get("/static/css/parade.css")
        assert plain.status_code == 200 and plain.headers["cache-control"] == REVALIDATE
        assert plain.content == first.content
        again = client.get(
            "/static/css/parade.css", headers={"if-none-match": plain.headers["etag"]}
        )
        assert again.status_code == 304
        assert client.get(url.replace("parade.css", "nope.css")).status_code == 404


def test_a_changed_file_changes_the_version(tmp_path: Path) -> None:
    static = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static" / "js", static / "js")
    before = static_version(static)
    assert re.fullmatch(r"[0-9a-f]{12}", before)
    assert static_version(static) == before, "the same files give the same version"
    lesson_js = static / "js" / "lesson.js"
    lesson_js.write_text(lesson_js.read_text() + "\n// changed\n")
    assert static_version(static) != before
    (static / "js" / "new.js").write_text("")
    assert static_version(static) not in {before}
