"""The interactive API docs (Swagger UI), served from our own static files, not a CDN."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

SWAGGER_UI = "vendor/swagger-ui-dist-5.35.0"  # npm swagger-ui-dist, Apache-2.0 (LICENSE beside)

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title="Parade API",
        swagger_js_url=str(request.url_for("static", path=f"{SWAGGER_UI}/swagger-ui-bundle.js")),
        swagger_css_url=str(request.url_for("static", path=f"{SWAGGER_UI}/swagger-ui.css")),
        swagger_favicon_url=str(request.url_for("static", path="favicon.svg")),
    )
