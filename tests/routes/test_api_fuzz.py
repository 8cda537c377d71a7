"""Schemathesis drives every JSON route from the app's own OpenAPI document, as a guest, as a
logged-in student and as an instructor: whatever a client sends, the answer is never a 5xx,
its status is one the route documents, and its body matches the documented schema.

Random path parameters would almost always miss (a 404 teaches nothing), so half the cases
aim at real lessons, questions, dilemmas and stored responses, and attempts get answers of
every shape a question kind might take. Training is cut to a few steps so a run stays fast.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from db_fixtures import fuzz_database_url, fuzz_examples
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient, get_client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.accounts.users import set_role
from app.config import Settings
from app.content.store import LessonStore
from app.db.database import Database
from app.db.models import DilemmaResponse
from app.main import create_app
from app.web.csrf import COOKIE_NAME, HEADER_NAME
from app.web.session import SESSION_COOKIE
from tests.conftest import REPO_LESSONS

MANY = 10**6  # limits out of the way: the fuzzer's own logins must never be slowed down
_data = Path(tempfile.mkdtemp(prefix="parade-fuzz-"))
SETTINGS = Settings(
    lessons_dir=REPO_LESSONS,
    database_url=fuzz_database_url(_data),
    watch_lessons=False,
    secret_key="fuzz-" + "x" * 32,
    login_limit_per_account=MANY,
    login_limit_per_client=MANY,
    register_limit_per_client=MANY,
    guest_limit_per_client=MANY,
)
# Schemathesis collects operations at import time, so this app is built here, once.
app = create_app(SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
LESSONS = LessonStore(REPO_LESSONS).reload().ordered()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
ROLES = ("guest", "student", "instructor")
PASSWORDS = {"student": "a long student passphrase", "instructor": "a long teacher passphrase"}
# Routes that end or change the caller's own session: log in again after them.
SESSION_ENDERS = ("/api/auth/logout", "/api/auth/logout-everywhere", "/api/auth/reset")
TRAIN_STEPS = 3  # the fuzzer checks the stream's shape, not learning
TRAIN_SECONDS = 0.5


@dataclass
class Role:
    """A client with its own cookies: a guest, or logged in through the real login route."""

    name: str
    password: str | None = None
    client: ASGIClient = field(default_factory=lambda: get_client(app).__enter__())

    def headers(self) -> dict[str, str]:
        """Return the CSRF header for the next call, logging in again if the session ended."""
        if self.password is None:
            self.client.cookies.pop(SESSION_COOKIE, None)  # a guest who registered stays a guest
        elif SESSION_COOKIE not in self.client.cookies:
            self.log_in()
        if COOKIE_NAME not in self.client.cookies:
            self.client.get("/api/auth/csrf")
        return {HEADER_NAME: self.client.cookies[COOKIE_NAME]}

    def log_in(self) -> None:
        self.client.cookies.clear()
        self.client.get("/api/auth/csrf")
        credentials = {"username": f"fuzz-{self.name}", "password": self.password}
        response = self.client.post(
            "/api/auth/login",
            json=credentials,
            headers={HEADER_NAME: self.client.cookies[COOKIE_NAME]},
        )
        assert response.status_code == 200, response.text
        # The token is bound to the session and rotates at login: the cookie has the new one.
        assert SESSION_COOKIE in self.client.cookies


def _make_roles() -> dict[str, Role]:
    roles = {name: Role(name, PASSWORDS.get(name)) for name in ROLES}
    for name in PASSWORDS:
        role = roles[name]
        role.client.get("/api/auth/csrf")
        created = role.client.post(
            "/api/auth/register",
            json={"username": f"fuzz-{name}", "password": role.password},
            headers={HEADER_NAME: role.client.cookies[COOKIE_NAME]},
        )
        assert created.status_code == 201, created.text
    db = Database.from_url(SETTINGS.database_url)
    with db.session(write=True) as session:
        set_role(session, username="fuzz-instructor", role="instructor")
    db.dispose()
    roles["instructor"].log_in()  # the role is read per request, but start from a clean login
    return roles


_roles: dict[str, Role] = {}


def role(name: str) -> Role:
    """Return the role's client, creating the accounts on first use (the app must be up)."""
    if not _roles:
        _roles.update(_make_roles())
    return _roles[name]


def response_ids() -> list[int]:
    """Return the ids of the dilemma responses stored so far (for moderation)."""
    db = Database.from_url(SETTINGS.database_url)
    with db.session(write=False) as session:
        ids = list(session.scalars(select(DilemmaResponse.id).limit(20)))
    db.dispose()
    return ids


def answers(question: Any) -> list[Any]:
    """Return answers of every shape a kind might take: ids, lists of ids, numbers, text."""
    ids = [o.id for o in getattr(question, "options", ())]
    ids += [i.id for i in getattr(question, "items", ())]
    return [*ids, ids, ids[::-1], ids[:1], [], True, False, 0, -1, 0.5, 640, 10**400, "h_t", ""]


def real_path(case: schemathesis.Case, data: st.DataObject) -> None:
    """Point the case at a real lesson, question, dilemma or response (half the time)."""
    params = case.path_parameters
    if not params or not data.draw(st.booleans(), label="real path"):
        return
    lesson = data.draw(st.sampled_from(LESSONS), label="lesson")
    if "slug" in params:
        params["slug"] = lesson.slug
    if "question_id" in params and lesson.questions:
        question = data.draw(st.sampled_from(lesson.questions), label="question")
        params["question_id"] = question.id
        if isinstance(case.body, dict) and data.draw(st.booleans(), label="shaped answer"):
            case.body["answer"] = data.draw(st.sampled_from(answers(question)), label="answer")
    if "dilemma_id" in params and lesson.dilemmas:
        dilemma = data.draw(st.sampled_from(lesson.dilemmas), label="dilemma")
        params["dilemma_id"] = dilemma.id
        if isinstance(case.body, dict) and data.draw(st.booleans(), label="real choice"):
            case.body["choice"] = data.draw(st.sampled_from([o.id for o in dilemma.options]))
    if "response_id" in params and (ids := response_ids()):
        params["response_id"] = data.draw(st.sampled_from(ids), label="response")


def aim_at_own_password(case: schemathesis.Case, caller: Role, data: st.DataObject) -> bool:
    """Return whether a password change was given the caller's real password (half the
    time), so that the change itself, not only the refusal, is fuzzed."""
    if case.path != "/api/auth/password" or not isinstance(case.body, dict) or not caller.password:
        return False
    if not isinstance(case.body.get("new_password"), str) or not data.draw(st.booleans()):
        return False
    case.body["current_password"] = caller.password
    return True


def bound_training(case: schemathesis.Case) -> None:
    """Cut a valid training request to a few steps and half a second."""
    body = case.body
    if case.path != "/api/engine/train" or not isinstance(body, dict):
        return
    steps, seconds = body.get("steps"), body.get("max_seconds")
    if type(steps) is not int or steps > TRAIN_STEPS:
        body["steps"] = TRAIN_STEPS
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds > 1:
        body["max_seconds"] = TRAIN_SECONDS


@pytest.mark.parametrize("who", ROLES)
@schema.given(data=st.data())
@schema.parametrize()
@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_in_its_documented_shape_and_never_fails(
    case: schemathesis.Case, data: st.DataObject, who: str
) -> None:
    real_path(case, data)
    bound_training(case)
    caller = role(who)
    headers = caller.headers()
    if data.draw(st.integers(0, 9), label="drop the CSRF token") == 0:
        headers = {}  # the middleware's 403 must be documented too
    own_password = aim_at_own_password(case, caller, data)
    response = case.call(session=caller.client, headers=headers)
    case.validate_response(response, checks=CHECKS)
    if response.status_code == 422:
        assert response.json()["detail"], "a 422 says what is wrong"
    if case.path in SESSION_ENDERS and response.status_code == 204 and caller.password:
        caller.client.cookies.pop(SESSION_COOKIE, None)
    if own_password and response.status_code == 204:
        caller.password = case.body["new_password"]  # changed: log in with it from now on
