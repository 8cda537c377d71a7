"""The JSON API's refusals as the OpenAPI document describes them: every error body is
`{"detail": ...}` (app/web/errors.py), written once here and named in the route decorators,
so a client (and the schemathesis suite) can rely on the shape of a 4xx too."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from app.web.csrf import SAFE_METHODS

Responses = dict[int | str, dict[str, Any]]


class Refusal(BaseModel):
    detail: str  # plain English, for the person


class ValidationItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Invalid(BaseModel):
    # A domain check says what is wrong in a sentence; request validation lists each field.
    detail: str | list[ValidationItem]


def refusals(codes: dict[int, str]) -> Responses:
    """Return `responses=` for a route decorator: each status with its description and body."""
    return {
        code: {"description": text, "model": Invalid if code == 422 else Refusal}
        for code, text in codes.items()
    }


NOT_LOGGED_IN = {401: "Not logged in"}
NOT_INSTRUCTOR = {401: "Not logged in", 403: "Not an instructor"}
CSRF_REFUSED = "The CSRF token (X-CSRFToken header) is missing or belongs to another session"


def document_csrf(app: FastAPI, *, exempt: tuple[str, ...]) -> None:
    """Make `app`'s OpenAPI document list the CSRF middleware's 403 on every state-changing
    operation it guards (the middleware answers before any route, so no route declares it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            for path, operations in spec.get("paths", {}).items():
                if path.startswith(exempt):
                    continue
                for method, operation in operations.items():
                    if method.upper() not in SAFE_METHODS:
                        _add_refusal(operation["responses"], "403", CSRF_REFUSED)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_refusal(responses: dict[str, Any], code: str, text: str) -> None:
    """Add `text` to the description of status `code`, declaring it if the route did not."""
    if code in responses:
        responses[code]["description"] += f"; or: {text}"
        return
    body = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
    responses[code] = {"description": text, "content": {"application/json": {"schema": body}}}
