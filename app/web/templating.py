"""The Jinja2 environment and what every page's template may use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from app.web.csrf import csrf_token

VIEWER = "parade_viewer"  # request.state attribute: the account, once a route has asked


def template_context(request: Request) -> dict[str, Any]:
    """Return what every page's template may use: the CSRF token and the viewer.

    The viewer is whoever the route's dependencies found (`app/web/deps.py`); nothing is
    queried here, so an error page renders even with the database down."""
    return {"csrf_token": csrf_token(request), "viewer": getattr(request.state, VIEWER, None)}


def make_templates(templates_dir: Path) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return Jinja2Templates(env=env, context_processors=[template_context])
