"""The app factory: settings in, a ready FastAPI app out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from threadpoolctl import threadpool_limits

from app.config import Settings, check_secret, get_settings
from app.content.store import LessonStore, log_snapshot
from app.content.watch import watch_lessons
from app.db import database, migrate
from app.routes import (
    accounts_api,
    accounts_pages,
    dilemmas_api,
    dilemmas_pages,
    docs,
    health,
    instructor_api,
    instructor_pages,
    lab_api,
    lessons_api,
    lessons_pages,
    quiz_api,
    quiz_pages,
)
from app.web import errors
from app.web.csrf import CSRFMiddleware
from app.web.middleware import CompressResponses, NoStoreHTML, SecurityHeaders
from app.web.templating import make_templates

log = logging.getLogger("parade")

ROUTERS = (
    health,
    docs,
    lessons_api,
    lab_api,
    lessons_pages,
    accounts_api,
    quiz_api,
    dilemmas_api,
    instructor_api,
    accounts_pages,
    quiz_pages,
    dilemmas_pages,
    instructor_pages,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the Parade app configured by `settings` (the environment's by default)."""
    settings = settings or get_settings()
    warning = check_secret(settings)  # raises in production
    if warning:
        log.warning("*** %s ***", warning)
    store = LessonStore(settings.lessons_dir)
    templates = make_templates(settings.templates_dir)

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
    for module in ROUTERS:
        app.include_router(module.router)
    errors.install(app)

    # Lesson pages (MathML), scripts and traces are text that shrinks 3-5x; a client that
    # does not ask for gzip (a benchmark, curl) gets the plain bytes.
    app.add_middleware(CompressResponses, minimum_size=1000)
    app.add_middleware(NoStoreHTML)
    app.add_middleware(
        CSRFMiddleware,
        secret=settings.secret_key,
        reject=errors.error_response,
        exempt=(lab_api.router.prefix + "/",),
    )
    app.add_middleware(SecurityHeaders)  # outermost: the CSRF refusals carry the headers too
    return app
