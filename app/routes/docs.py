"""The interactive API docs (Swagger UI), served from our own static files, not a CDN, and
started by a script file rather than an inline script, so /docs works under the strict CSP."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.deps import TemplatesDep

SWAGGER_UI = "vendor/swagger-ui-dist-5.35.0"  # npm swagger-ui-dist, Apache-2.0 (LICENSE beside)

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "docs.html", {"swagger_ui": SWAGGER_UI, "openapi_url": request.app.openapi_url}
    )
