"""Small ASGI middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.clients import forwarded_scheme, networks

Reject = Callable[[Request, int, str], Response]  # app.web.errors.error_response


async def refuse(scope: Scope, send: Send, reject: Reject, status: int, message: str) -> None:
    """Answer the request with `reject`'s error response without reading its body."""

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    response = reject(Request(scope, no_body), status, message)
    await response(scope, no_body, send)


TOO_LARGE = "The request is too large."


class RequestTooLarge(HTTPException):
    """A body that grew past the limit while it was read (one sent without a length)."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


class LimitRequestBodies:
    """Refuse a request body over `max_bytes` with 413 before any route parses it: at once
    when its Content-Length says so, else (a chunked upload) as soon as the bytes read pass
    the limit. A worker never holds more than the limit of one request's body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, reject: Reject) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await refuse(scope, send, self.reject, 413, TOO_LARGE)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.max_bytes:
                    raise RequestTooLarge  # an HTTPException: FastAPI passes it on as it is
            return message

        await self.app(scope, counted, send)


class NoStoreHTML:
    """Mark HTML responses `Cache-Control: no-store`.

    Pages carry a student's own quiz state and a CSRF token: Back must not show a stale copy
    of them from the browser's cache (the bfcache included), nor may a shared cache keep one.
    Static files and JSON keep their own caching.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_no_store)


class CompressResponses:
    """Starlette's GZipMiddleware, letting through the one message type it drops.

    GZipMiddleware forwards only response start and body messages; the
    `http.response.debug` message, by which a TemplateResponse shows its template and
    context to the test client (the page-context tests rely on it), would be lost.
    """

    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        self.app = app
        # Level 6, not Starlette's 9: the lesson page (174 KB) compresses 26 % faster
        # (2.6 vs 3.5 ms) for 1 % more bytes (29.6 vs 29.3 KB).
        self.gzip = GZipMiddleware(self._behind_gzip, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.gzip({**scope, _OUTER_SEND: send}, receive, send)

    async def _behind_gzip(self, scope: Scope, receive: Receive, gzip_send: Send) -> None:
        outer_send: Send = scope[_OUTER_SEND]

        async def send(message: Message) -> None:
            await (outer_send if message["type"] == "http.response.debug" else gzip_send)(message)

        await self.app(scope, receive, send)


_OUTER_SEND = "parade.outer_send"


# Scripts and styles only from our own files: no inline script (every page's code is an ES
# module under /static), no eval, no inline style attributes; nothing may frame a page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",  # for browsers that predate frame-ancestors
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"  # only over HTTPS: a browser ignores it otherwise


class SecurityHeaders:
    """Add the security headers above to every response, errors and static files included;
    HSTS too when the request came over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if secure:
                    headers["strict-transport-security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ProxiedScheme:
    """Behind a TLS-terminating reverse proxy in PARADE_TRUSTED_PROXIES, take the scheme from
    its X-Forwarded-Proto, so that cookies are Secure and HSTS is sent when the browser spoke
    HTTPS. Anyone else's X-Forwarded-Proto is ignored."""

    def __init__(self, app: ASGIApp, trusted: tuple[str, ...]) -> None:
        self.app = app
        self.trusted = networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            peer = (scope.get("client") or ("", 0))[0]
            said = Headers(scope=scope).getlist("x-forwarded-proto")
            scheme = forwarded_scheme(peer, said, self.trusted)
            if scheme:
                if scope["type"] == "websocket":
                    scheme = "wss" if scheme == "https" else "ws"
                scope = {**scope, "scheme": scheme}
        await self.app(scope, receive, send)
