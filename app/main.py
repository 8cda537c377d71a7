"""The app factory: settings in, a ready FastAPI app out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from http import HTTPStatus
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from threadpoolctl import threadpool_limits

from app.config import Settings, get_settings
from app.content.store import LessonStore, log_snapshot
from app.content.watch import watch_lessons
from app.db import database, migrate
from app.routes import (
    accounts_api,
    accounts_pages,
    docs,
    health,
    lab_api,
    lessons_api,
    lessons_pages,
    quiz_api,
    quiz_pages,
)
from app.web.csrf import CSRFMiddleware
from app.web.middleware import CompressResponses, NoStoreHTML
from app.web.pages import ErrorPage
from app.web.session import template_context

log = logging.getLogger("parade")

_TITLES = {404: "Page not found", 405: "Not allowed", 422: "Bad request", 500: "Something broke",
           401: "Please log in", 403: "Request refused", 429: "Too many tries"}  # fmt: skip
# Said instead of Starlette's bare reason phrases ("Not Found") on a page.
_MESSAGES = {404: "There is no page at this address.",
             405: "This address does not take that kind of request."}  # fmt: skip


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the Parade app configured by `settings` (the environment's by default)."""
    settings = settings or get_settings()
    store = LessonStore(settings.lessons_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    templates = Jinja2Templates(env=env, context_processors=[template_context])

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threadpool_limits(settings.blas_threads, user_api="blas")
        if settings.migrate_on_startup:
            await asyncio.to_thread(migrate.upgrade, settings.database_url)
        # Created here, not at import: each worker process opens its own connections.
        db = app.state.db = database.Database.from_url(settings.database_url)
        stop = asyncio.Event()
        watcher = None
        if settings.watch_lessons:
            watcher = asyncio.create_task(watch_lessons(store, stop, settings.watch_debounce_ms))
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                await watcher
            db.dispose()

    app = FastAPI(
        title="Parade",
        summary="Interactive lessons on recurrent neural networks.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by routes/docs.py from vendored files: no CDN needed
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.lessons = store
    app.state.templates = templates
    log_snapshot(store.reload())  # lessons are served even before (or without) the lifespan

    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(lessons_api.router)
    app.include_router(lab_api.router)
    app.include_router(lessons_pages.router)
    app.include_router(accounts_api.router)
    app.include_router(quiz_api.router)
    app.include_router(accounts_pages.router)
    app.include_router(quiz_pages.router)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and _wants_json(request):
            # No route of ours raises 400: FastAPI does, for a body it cannot even decode
            # (bad UTF-8), while bad JSON is a 422. Bad input gets one status and a reason.
            detail = [{"loc": ["body"], "msg": "The request body is not valid UTF-8 JSON.",
                       "type": "json_invalid"}]  # fmt: skip
            return JSONResponse({"detail": detail}, status_code=422)
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)  # fmt: skip
        if exc.status_code == 401 and request.method == "GET":  # a page that needs a login
            target = quote(request.url.path)
            return RedirectResponse(f"/login?next={target}", status_code=303)
        message = str(exc.detail)
        if message == HTTPStatus(exc.status_code).phrase:
            message = _MESSAGES.get(exc.status_code, message)
        return _error_page(request, exc.status_code, message)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        message = "The server hit an unexpected problem. Please try again."
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=500)
        return _error_page(request, 500, message)

    def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
        page = ErrorPage(status=status, title=_TITLES.get(status, "Error"), message=message)
        return templates.TemplateResponse(request, "error.html", {"page": page},
                                          status_code=status)  # fmt: skip

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        text = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in errors)
        return _error_page(request, 422, text)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)

    def csrf_refused(request: Request, status: int, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        return _error_page(request, status, message)

    # Lesson pages (MathML), scripts and traces are text that shrinks 3-5x; a client that
    # does not ask for gzip (a benchmark, curl) gets the plain bytes.
    app.add_middleware(CompressResponses, minimum_size=1000)
    app.add_middleware(NoStoreHTML)
    app.add_middleware(
        CSRFMiddleware,
        secret=settings.secret_key,
        reject=csrf_refused,
        exempt=(lab_api.router.prefix + "/",),
    )
    return app
