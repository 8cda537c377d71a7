"""A streaming response that always runs its clean-up once the stream is over."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send


class ClosingStreamingResponse(StreamingResponse):
    """A StreamingResponse calling `on_close` (blocking work, run in a thread) once the stream
    ends: finished, failed, or cut off because the client went away (the task is cancelled
    then, so the call is shielded from that cancellation).

    It always listens for the client leaving, whatever ASGI version the server announces:
    Starlette trusts a server of spec 2.4 to fail the next `send` instead, and some uvicorn
    releases announce 2.4 without doing so, which kept a closed run going to its end."""

    def __init__(self, *args: object, on_close: Callable[[], None], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            try:
                async with anyio.create_task_group() as group:

                    async def stream_then_stop() -> None:
                        with contextlib.suppress(OSError):  # the client left mid-send
                            await self.stream_response(send)
                        group.cancel_scope.cancel()

                    group.start_soon(stream_then_stop)
                    await self.listen_for_disconnect(receive)
                    group.cancel_scope.cancel()
            except BaseExceptionGroup as failed:  # the stream's own error, as it was raised
                if len(failed.exceptions) == 1:
                    raise failed.exceptions[0] from None
                raise
            if self.background is not None:
                await self.background()
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self.on_close)
