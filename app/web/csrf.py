"""CSRF protection for every state-changing request, as ASGI middleware.

Double submit: the `csrftoken` cookie must come back in the `X-CSRFToken` header (fetch) or
the `csrf_token` form field (HTML forms). Being middleware, it guards every route, including
ones added later, and it runs before any handler, so a refused request changes nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts.passwords import csrf_token_valid, new_csrf_token

COOKIE_NAME = "csrftoken"
HEADER_NAME = "x-csrftoken"
FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_FORM_BYTES = 256 * 1024  # our forms are a few hundred bytes

Reject = Callable[[Request, int, str], Response]


def csrf_token(request: Request) -> str:
    """Return the CSRF token for this request (the cookie's, or the one being issued)."""
    return str(request.scope.get("state", {}).get("csrf_token", ""))


class CSRFMiddleware:
    def __init__(
        self, app: ASGIApp, *, secret: str, reject: Reject, exempt: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.secret = secret
        self.reject = reject
        # Path prefixes of POST endpoints that read no cookie and change nothing (pure
        # computations such as the engine): nothing there for a forged request to abuse.
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie = SimpleCookie(headers.get("cookie", "")).get(COOKIE_NAME)
        known = cookie.value if cookie and csrf_token_valid(cookie.value, self.secret) else None
        token = known or new_csrf_token(self.secret)
        scope.setdefault("state", {})["csrf_token"] = token

        if scope["method"] not in SAFE_METHODS and not scope["path"].startswith(self.exempt):
            submitted = headers.get(HEADER_NAME)
            if submitted is None and _is_form(headers):
                body, receive = await _buffer(receive)
                if body is None:
                    await self._refuse(scope, 413, "That form is too large.", send)
                    return
                submitted = _form_field(body, headers)
            if known is None or not submitted or not hmac.compare_digest(submitted, known):
                message = (
                    "This form has expired or came from another site. "
                    "Go back, reload the page and try again."
                )
                await self._refuse(scope, 403, message, send)
                return

        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                html = response_headers.get("content-type", "").startswith("text/html")
                if known is None or html:
                    response_headers.append("set-cookie", _cookie(token, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _refuse(self, scope: Scope, status: int, message: str, send: Send) -> None:
        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        response = self.reject(Request(scope, no_body), status, message)
        await response(scope, no_body, send)


def _cookie(token: str, secure: bool) -> str:
    # Readable by JavaScript on purpose (quiz.js sends it back); SameSite=Lax is a second
    # line of defence, the token is the first.
    cookie = f"{COOKIE_NAME}={token}; Path=/; Max-Age=31536000; SameSite=Lax"
    return cookie + ("; Secure" if secure else "")


def _is_form(headers: Headers) -> bool:
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("application/x-www-form-urlencoded", "multipart/form-data")


async def _buffer(receive: Receive) -> tuple[bytes | None, Receive]:
    """Return the whole body (None when over MAX_FORM_BYTES) and a receive that replays it."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


def _form_field(body: bytes, headers: Headers) -> str | None:
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FORM_FIELD)
        return values[0] if values else None
    return _multipart_field(body, headers.get("content-type", ""))


def _multipart_field(body: bytes, content_type: str) -> str | None:
    """Return the csrf_token field of a multipart body (small text fields only)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        return None
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == FORM_FIELD:
            payload = part.get_payload(decode=True)
            return payload.decode() if isinstance(payload, bytes) else None
    return None
