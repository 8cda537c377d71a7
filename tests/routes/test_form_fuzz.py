"""Hypothesis posts random form bodies to every state-changing HTML form route (these are not
in the OpenAPI document, so schemathesis never sees them), as a guest, a student and an
instructor: fields missing, repeated or unknown; text with NUL, lone surrogates (sent as the
invalid UTF-8 they become), other control characters and very long strings; raw bytes.
Whatever arrives, the answer is never a 5xx, and a refusal is the plain HTML error page."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from db_fixtures import fuzz_database_url, fuzz_examples
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.accounts.users import create_user
from app.config import Settings
from app.content.store import LessonStore
from app.db.models import DilemmaResponse
from app.main import create_app
from app.web.csrf import COOKIE_NAME, HEADER_NAME, SAFE_METHODS
from app.web.session import SESSION_COOKIE
from tests.conftest import REPO_LESSONS

MANY = 10**6  # limits out of the way: the fuzzer's own logins must never be slowed down
_data = Path(tempfile.mkdtemp(prefix="parade-form-fuzz-"))
SETTINGS = Settings(
    lessons_dir=REPO_LESSONS,
    database_url=fuzz_database_url(_data),
    watch_lessons=False,
    secret_key="form-fuzz-" + "x" * 32,
    login_limit_per_account=MANY,
    login_limit_per_client=MANY,
    register_limit_per_client=MANY,
    guest_limit_per_client=MANY,
)
app = create_app(SETTINGS)
LESSONS = LessonStore(REPO_LESSONS).reload().ordered()
PASSWORDS = {"student": "a long student passphrase", "instructor": "a long teacher passphrase"}

# Every state-changing route left out of the OpenAPI document: the HTML forms.
FORM_ROUTES = sorted(
    (method, str(context.path))
    for context in iter_route_contexts(app.routes)
    if isinstance(context.original_route, APIRoute) and not context.include_in_schema
    for method in (context.methods or set()) - SAFE_METHODS
)
FIELDS = [
    "username",
    "password",
    "next",
    "current_password",
    "new_password",
    "code",
    "answer",
    "choice",
    "reason",
    "confidence",
]
FIELDS += [
    f"position-{item.id}"
    for lesson in LESSONS
    for question in lesson.questions
    for item in getattr(question, "items", ())  # ordering questions
]


# Text a person could not have typed, and text they could, in one strategy.
HOSTILE = st.one_of(
    st.text(st.characters(codec=None, categories=None), max_size=40),  # surrogates, NUL, ...
    st.sampled_from(["\x00", "\ud800", "a\udfffb", "\ufffe", "\x7f", "\u202e", "0", "-1"]),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.text(min_size=2000, max_size=5000),  # longer than any field allows
)
# What a real form sends: option ids, positions, booleans, numbers, confidence levels.
PLAUSIBLE = sorted(
    {o.id for lesson in LESSONS for q in lesson.questions for o in getattr(q, "options", ())}
    | {o.id for lesson in LESSONS for d in lesson.dilemmas for o in d.options}
    | {"true", "false", "1", "2", "3", "5", "640", "0.5", "a reason", "/", "//evil.example"}
)
VALUE = st.one_of(
    HOSTILE.map(lambda text: text.encode("utf-8", "surrogatepass")),  # invalid UTF-8 too
    st.binary(max_size=40),
    st.sampled_from(PLAUSIBLE).map(str.encode),
)


def encode(fields: list[tuple[str, bytes]]) -> bytes:
    """Return the fields as an application/x-www-form-urlencoded body, byte for byte."""
    return b"&".join(
        quote_from_bytes(name.encode("utf-8", "surrogatepass")).encode()
        + b"="
        + quote_from_bytes(value).encode()
        for name, value in fields
    )


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, TestClient]]:
    """A guest, a student and an instructor, each with their own cookies."""
    with TestClient(app) as guest, TestClient(app) as student, TestClient(app) as teacher:
        with app.state.db.session(write=True) as session:
            create_user(session, username="fuzz-student", password=PASSWORDS["student"])
            create_user(
                session,
                username="fuzz-instructor",
                password=PASSWORDS["instructor"],
                role="instructor",
            )
            session.commit()
        yield {"guest": guest, "student": student, "instructor": teacher}


def ready(client: TestClient, who: str) -> dict[str, str]:
    """Return the CSRF header, logging `client` in (again) when its session has ended."""
    if who == "guest":
        client.cookies.delete(SESSION_COOKIE)  # a guest who registered stays a guest
    elif SESSION_COOKIE not in client.cookies:
        client.cookies.clear()
        client.get("/api/auth/csrf")
        login = client.post(
            "/api/auth/login",
            json={"username": f"fuzz-{who}", "password": PASSWORDS[who]},
            headers={HEADER_NAME: client.cookies[COOKIE_NAME]},
        )
        assert login.status_code == 200, login.text
    if COOKIE_NAME not in client.cookies:
        client.get("/api/auth/csrf")
    return {HEADER_NAME: client.cookies[COOKIE_NAME]}


def real_ids() -> list[int]:
    with app.state.db.session(write=False) as session:
        return list(session.scalars(select(DilemmaResponse.id).limit(20))) or [1]


@st.composite
def addresses(draw: st.DrawFn, path: str) -> str:
    """Return `path` with real lesson, question and dilemma ids, or junk, filled in."""
    lesson = draw(st.sampled_from(LESSONS))
    junk = st.text(st.characters(codec="utf-8", exclude_characters="/?#%"), min_size=1)
    values = {
        "slug": draw(st.just(lesson.slug) | junk),
        "question_id": draw(st.sampled_from([q.id for q in lesson.questions]) | junk),
        "dilemma_id": draw(st.sampled_from([d.id for d in lesson.dilemmas]) | junk),
        "response_id": str(draw(st.sampled_from(real_ids()) | st.integers(-5, 10**30))),
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote_from_bytes(value.encode()))
    return path


FORM = st.lists(st.tuples(st.sampled_from(FIELDS) | st.text(max_size=10), VALUE), max_size=8)


@pytest.mark.parametrize("who", ["guest", "student", "instructor"])
@pytest.mark.parametrize(("method", "path"), FORM_ROUTES)
def test_no_form_body_makes_a_form_route_fail(
    clients: dict[str, TestClient], who: str, method: str, path: str
) -> None:
    client = clients[who]

    @given(address=addresses(path), fields=FORM)
    @settings(
        max_examples=fuzz_examples(15),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def post(address: str, fields: list[tuple[str, bytes]]) -> None:
        headers = ready(client, who) | {"Content-Type": "application/x-www-form-urlencoded"}
        response = client.request(
            method, address, content=encode(fields), headers=headers, follow_redirects=False
        )
        assert response.status_code < 500, f"{method} {address} {fields!r}: {response.text}"
        if response.status_code in (403, 404, 409, 413, 422, 429):
            assert response.headers["content-type"].startswith("text/html"), response.text

    post()
