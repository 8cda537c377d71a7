"""The Jinja2 environment and what every page's template may use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.requests import Request

from app.plaintext import printable
from app.quiz.confidence import LEVELS
from app.web.csrf import csrf_token

VIEWER = "parade_viewer"  # request.state attribute: the account, once a route has asked
THEME_COOKIE = "parade_theme"  # written by static/js/theme.js: "light", "dark" or absent
THEMES = ("light", "dark")


def template_context(request: Request) -> dict[str, Any]:
    """Return what every page's template may use: the CSRF token, the viewer and the colour
    scheme the reader picked (None: follow the system).

    The viewer is whoever the route's dependencies found (`app/web/deps.py`); nothing is
    queried here, so an error page renders even with the database down."""
    theme = request.cookies.get(THEME_COOKIE)
    return {
        "csrf_token": csrf_token(request),
        "viewer": getattr(request.state, VIEWER, None),
        "theme": theme if theme in THEMES else None,
    }


def _printable(value: Any) -> Any:
    # No stored row can break a page: text that can't be sent as UTF-8 is shown with U+FFFD.
    if isinstance(value, Markup):
        return Markup(printable(str(value)))
    return printable(value) if isinstance(value, str) else value


def make_templates(templates_dir: Path) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_printable,
    )
    env.globals["confidence_levels"] = LEVELS  # the quiz form's "How sure are you?" choices
    return Jinja2Templates(env=env, context_processors=[template_context])
