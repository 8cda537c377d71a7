"""Reload lessons when their files change, debounced, while the server runs."""

from __future__ import annotations

import asyncio
import logging

import watchfiles

from app.content.store import LessonStore, log_snapshot

log = logging.getLogger("parade.lessons")


async def watch_lessons(store: LessonStore, stop: asyncio.Event, debounce_ms: int) -> None:
    """Reload `store` after each burst of file changes until `stop` is set."""
    if not store.root.is_dir():
        log.warning("lessons folder %s does not exist; not watching it", store.root)
        return
    async for changes in watchfiles.awatch(
        store.root,
        debounce=debounce_ms,
        step=min(50, debounce_ms),
        stop_event=stop,
        recursive=True,
    ):
        log.info("lesson files changed (%d); reloading", len(changes))
        log_snapshot(await asyncio.to_thread(store.reload))
