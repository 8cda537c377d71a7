"""Every error turned into a response, in one place: domain errors (`app/errors.py`),
HTTP errors, bad input and bugs. The JSON API gets `{"detail": ...}`; pages get an HTML page
in plain English. Nothing here touches the database, so errors render with it down."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from app.db.database import STORAGE_DOWN, StorageUnavailable
from app.errors import DomainError
from app.web.deps import remember_guest

log = logging.getLogger("parade")

TITLES = {
    401: "Please log in",
    403: "Request refused",
    404: "Page not found",
    405: "Not allowed",
    409: "Already done",
    413: "Too large",
    422: "Bad request",
    429: "Too many tries",
    500: "Something broke",
    503: "Not available",
}
# Said instead of Starlette's bare reason phrases ("Not Found") on a page.
MESSAGES = {
    404: "There is no page at this address.",
    405: "This address does not take that kind of request.",
}
SERVER_ERROR = "The server hit an unexpected problem. Please try again."
# How form fields are named to people when a form arrives incomplete.
FIELD_NAMES = {"username": "Username", "password": "Password", "next": "Next page"}
PLAIN_MESSAGES = {
    "missing": "is missing: fill it in",
    "string_too_long": "is too long",
    "string_too_short": "is too short",
    "string_type": "must be text",
}


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz")


def headers_of(exc: DomainError) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}


def error_page(request: Request, status: int, message: str, **headers: str) -> HTMLResponse:
    """Return the HTML error page; it needs only the templates, never the database."""
    page = ErrorPage(status=status, title=TITLES.get(status, "Error"), message=message)
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request, "error.html", {"page": page}, status_code=status, headers=headers or None
    )
    return response


def error_response(request: Request, status: int, message: str, **headers: str) -> Response:
    """Return `message` as JSON for the API, as an HTML page otherwise."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers or None)
    return error_page(request, status, message, **headers)


def plain_validation_message(errors: list[dict[str, object]]) -> str:
    """Return a form's validation errors as one plain-English sentence per field."""
    said = []
    for e in errors:
        loc = [str(part) for part in e.get("loc", ()) if part not in ("body", "query")]  # type: ignore[attr-defined]
        field = loc[-1] if loc else "the form"
        name = FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
        said.append(f"{name} {PLAIN_MESSAGES.get(str(e.get('type')), 'is not valid')}.")
    return " ".join(dict.fromkeys(said))


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    response = error_response(request, exc.status, str(exc), **headers_of(exc))
    # A guest started by this request keeps its cookie even when the answer was refused, or
    # the next answer would start another one.
    remember_guest(request, response, request.app.state.settings)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and wants_json(request):
        # No route of ours raises 400: FastAPI does, for a body it cannot even decode
        # (bad UTF-8), while bad JSON is a 422. Bad input gets one status and a reason.
        detail = [
            {
                "loc": ["body"],
                "msg": "The request body is not valid UTF-8 JSON.",
                "type": "json_invalid",
            }
        ]
        return JSONResponse({"detail": detail}, status_code=422)
    if wants_json(request):
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
    if exc.status_code == 401 and request.method == "GET":  # a page that needs a login
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    message = str(exc.detail)
    if message == HTTPStatus(exc.status_code).phrase:
        message = MESSAGES.get(exc.status_code, message)
    return error_page(request, exc.status_code, message, **(exc.headers or {}))


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    if wants_json(request):
        return JSONResponse({"detail": errors}, status_code=422)
    return error_page(request, 422, plain_validation_message(errors))


async def storage_error(request: Request, exc: Exception) -> Response:
    """The database failed (down, its file gone, read-only or full): say nothing was saved."""
    log.error("storage failed on %s %s: %s", request.method, request.url.path, exc)
    return error_response(request, 503, STORAGE_DOWN, **{"Retry-After": "60"})


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if wants_json(request):
        return JSONResponse({"detail": SERVER_ERROR}, status_code=500)
    return error_page(request, 500, SERVER_ERROR)


def install(app: FastAPI) -> None:
    """Register every handler above on `app`."""
    app.add_exception_handler(StorageUnavailable, storage_error)
    app.add_exception_handler(OperationalError, storage_error)
    app.add_exception_handler(InterfaceError, storage_error)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)
