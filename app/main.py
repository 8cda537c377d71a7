"""The app factory: settings in, a ready FastAPI app out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from threadpoolctl import threadpool_limits

from app.accounts.passwords import use_hash_cost
from app.config import Settings, check_secret, get_settings
from app.content.store import LessonStore, log_snapshot
from app.content.watch import watch_lessons
from app.db import database, migrate
from app.lab.cache import ByteCache
from app.limits.streams import WorkerSlots
from app.routes import (
    accounts_api,
    accounts_pages,
    dilemmas_api,
    dilemmas_pages,
    discussion_api,
    discussion_pages,
    docs,
    gradebook_pages,
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
from app.web.assets import IMMUTABLE, REVALIDATE, CachedStaticFiles, static_version
from app.web.csrf import CSRFMiddleware
from app.web.middleware import (
    CompressResponses,
    LimitRequestBodies,
    NoStoreHTML,
    ProxiedScheme,
    SecurityHeaders,
)
from app.web.responses import document_csrf
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
    discussion_api,
    accounts_pages,
    quiz_pages,
    dilemmas_pages,
    instructor_pages,
    discussion_pages,
    gradebook_pages,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the Parade app configured by `settings` (the environment's by default)."""
    settings = settings or get_settings()
    warning = check_secret(settings)  # raises in production
    if warning:
        log.warning("*** %s ***", warning)
    use_hash_cost(settings.password_hash_cost)
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
    app.state.trace_cache = ByteCache(settings.trace_cache_mb * 2**20)
    app.state.train_slots = WorkerSlots(settings.train_streams_per_worker)
    log_snapshot(store.reload())  # lessons are served even before (or without) the lifespan

    # Versioned URLs (what templates write) are cached for a year; in development, where
    # files change under a running server, they are revalidated like the plain paths.
    version = static_version(settings.static_dir)
    versioned = IMMUTABLE if settings.environment == "production" else REVALIDATE
    app.mount(
        f"/static/{version}",
        CachedStaticFiles(directory=settings.static_dir, cache_control=versioned),
        name="static",
    )
    app.mount(
        "/static",
        CachedStaticFiles(directory=settings.static_dir, cache_control=REVALIDATE),
        name="static-files",
    )
    for module in ROUTERS:
        app.include_router(module.router)
    errors.install(app)

    # Lesson pages (MathML), scripts and traces are text that shrinks 3-5x; a client that
    # does not ask for gzip (a benchmark, curl) gets the plain bytes.
    app.add_middleware(CompressResponses, minimum_size=1000)
    app.add_middleware(NoStoreHTML)
    csrf_exempt = (lab_api.router.prefix + "/",)
    app.add_middleware(
        CSRFMiddleware, secret=settings.secret_key, reject=errors.error_response, exempt=csrf_exempt
    )
    document_csrf(app, exempt=csrf_exempt)
    # Outside CSRF, which reads a form's body for its token: no body past the limit is read.
    app.add_middleware(
        LimitRequestBodies, max_bytes=settings.max_request_kb * 1024, reject=errors.error_response
    )
    app.add_middleware(SecurityHeaders)  # the CSRF and size refusals carry the headers too
    # Outermost: everything inside sees the scheme the browser used behind a TLS proxy.
    app.add_middleware(ProxiedScheme, trusted=tuple(settings.trusted_proxies))
    return app
