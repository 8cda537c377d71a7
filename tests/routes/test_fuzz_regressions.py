"""Bugs the fuzzers (test_api_fuzz.py, test_form_fuzz.py) found, each pinned by a plain test."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.web.csrf import COOKIE_NAME, HEADER_NAME

TOO_BIG = [2**31, 2**63, 10**30]  # past the database's integer: SQLite overflowed, PG refuses


@pytest.mark.parametrize("action", ["hide", "show"])
@pytest.mark.parametrize("number", TOO_BIG)
def test_moderating_a_response_number_too_big_for_the_database_is_a_422(
    instructor_client: TestClient, action: str, number: int
) -> None:
    token = instructor_client.cookies[COOKIE_NAME]
    api = instructor_client.post(
        f"/api/instructor/dilemma-responses/{number}/{action}", headers={HEADER_NAME: token}
    )
    assert api.status_code == 422, api.text
    page = instructor_client.post(
        f"/instructor/dilemma-responses/{number}/{action}", data={"csrf_token": token}
    )
    assert page.status_code == 422, page.text
    assert "<h1" in page.text  # the plain HTML error page, not the JSON


def test_the_largest_response_number_the_database_holds_is_a_plain_404(
    instructor_client: TestClient,
) -> None:
    token = instructor_client.cookies[COOKIE_NAME]
    response = instructor_client.post(
        f"/api/instructor/dilemma-responses/{2**31 - 1}/hide", headers={HEADER_NAME: token}
    )
    assert response.status_code == 404, response.text
