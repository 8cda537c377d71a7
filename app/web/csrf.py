"""CSRF protection for every state-changing request, as ASGI middleware.

The token is bound to the session: an HMAC, under the secret key, of the login session's
cookie, or for anonymous visitors of a random pre-session id kept in its own HttpOnly
cookie. A token taken from one browser is refused in another, and logging in or out
rotates it (the middleware re-binds when a response sets or ends the session cookie, see
app/web/session.py). It must come back in the `X-CSRFToken` header (fetch) or the
`csrf_token` form field (HTML forms); pages carry it in their forms, JavaScript reads the
`csrftoken` cookie or GET /api/auth/csrf. Being middleware, it guards every route, including
ones added later, and it runs before any handler, so a refused request changes nothing.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts.passwords import csrf_token_for
from app.errors import DomainError
from app.web.middleware import Reject, refuse
from app.web.session import SESSION_CHANGED, SESSION_COOKIE

COOKIE_NAME = "csrftoken"
PRESESSION_COOKIE = "parade_presession"
HEADER_NAME = "x-csrftoken"
FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_FORM_BYTES = 256 * 1024  # our forms are a few hundred bytes
MAX_BINDING = 128  # longer cookies are not ours (session tokens are 43 characters)
YEAR = 31_536_000
REFUSED = "This form has expired or came from another site. Go back, reload the page and try again."


def csrf_token(request: Request) -> str:
    """Return the CSRF token for this request (bound to its session or pre-session)."""
    return str(request.scope.get("state", {}).get("csrf_token", ""))


class CSRFRefused(DomainError):
    """A state-changing request on an exempt path came without the page's token."""

    status = 403

    def __init__(self) -> None:
        super().__init__(REFUSED)


def require_csrf(request: Request) -> None:
    """Raise CSRFRefused unless the request carries this session's token (X-CSRFToken).

    For a route under an exempt prefix (the engine API) that changes state only for some
    inputs, such as a training run that keeps its network."""
    state = request.scope.get("state", {})
    submitted = request.headers.get(HEADER_NAME)
    if not (state.get("csrf_bound") and submitted and _same(submitted, csrf_token(request))):
        raise CSRFRefused


def _binding(cookies: dict[str, str]) -> str | None:
    """Return what the token is bound to: the login session if any, else the pre-session."""
    session = cookies.get(SESSION_COOKIE, "")
    if 0 < len(session) <= MAX_BINDING:
        return "session:" + session
    presession = cookies.get(PRESESSION_COOKIE, "")
    if 0 < len(presession) <= MAX_BINDING:
        return "presession:" + presession
    return None


def _cookies(headers: Headers) -> dict[str, str]:
    try:
        jar = SimpleCookie(headers.get("cookie", ""))
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


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
        cookies = _cookies(headers)
        binding = _binding(cookies)
        new_presession = None
        if binding is None:  # a first visit: a pre-session to bind its forms to
            new_presession = secrets.token_urlsafe(24)
            binding = "presession:" + new_presession
        token = csrf_token_for(binding, self.secret)
        state = scope.setdefault("state", {})
        state["csrf_token"] = token
        state["csrf_bound"] = new_presession is None  # the browser sent its session cookie

        if scope["method"] not in SAFE_METHODS and not scope["path"].startswith(self.exempt):
            submitted = headers.get(HEADER_NAME)
            if submitted is None and _is_form(headers):
                body, receive = await _buffer(receive)
                if body is None:
                    await refuse(scope, send, self.reject, 413, "That form is too large.")
                    return
                submitted = _form_field(body, headers)
            # A request with no cookie at all has no session its token could belong to.
            if new_presession or not submitted or not _same(submitted, token):
                await refuse(scope, send, self.reject, 403, REFUSED)
                return

        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            nonlocal token, new_presession
            if message["type"] == "http.response.start":
                changed = state.get(SESSION_CHANGED)
                if changed:  # logged in: the token follows the new session
                    token = csrf_token_for("session:" + changed, self.secret)
                elif changed == "":  # logged out: a fresh pre-session, a fresh token
                    new_presession = secrets.token_urlsafe(24)
                    token = csrf_token_for("presession:" + new_presession, self.secret)
                response_headers = MutableHeaders(scope=message)
                html = response_headers.get("content-type", "").startswith("text/html")
                if new_presession:
                    response_headers.append(
                        "set-cookie", _cookie(PRESESSION_COOKIE, new_presession, secure, True)
                    )
                if html or cookies.get(COOKIE_NAME) != token:
                    response_headers.append("set-cookie", _cookie(COOKIE_NAME, token, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _same(submitted: str, expected: str) -> bool:
    # Bytes, because compare_digest refuses str with characters beyond ASCII.
    return hmac.compare_digest(submitted.encode("utf-8", "replace"), expected.encode())


def _cookie(name: str, value: str, secure: bool, httponly: bool = False) -> str:
    # The token cookie is readable by JavaScript on purpose (quiz.js sends it back); the
    # pre-session id is not. SameSite=Lax is a second line of defence, the token the first.
    cookie = f"{name}={value}; Path=/; Max-Age={YEAR}; SameSite=Lax"
    return cookie + ("; HttpOnly" if httponly else "") + ("; Secure" if secure else "")


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
