"""Static files under a versioned URL, so browsers may keep them for a year.

Every static URL the templates write (`url_for('static', ...)`) carries a digest of the
whole static folder: /static/3f9a1c2b7d4e/js/lesson.js. ES modules import each other by
relative paths, so a module's imports land under the same version without any rewriting.
A changed file changes the digest, hence every URL: a returning student never runs new
HTML against an old script. The plain /static/... paths keep working for old links, with
revalidation on every use.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
REVALIDATE = "no-cache"  # keep a copy, but ask (ETag / If-None-Match) before each use


def static_version(static_dir: Path) -> str:
    """Return a short digest of every file under `static_dir`: names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class CachedStaticFiles(StaticFiles):
    """StaticFiles that send one Cache-Control header on every file they serve."""

    def __init__(self, *, directory: Path, cache_control: str) -> None:
        super().__init__(directory=directory)
        self.cache_control = cache_control

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = self.cache_control
        return response
