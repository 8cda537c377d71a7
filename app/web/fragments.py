"""Fragments: the enhanced forms (static/js/quiz.js) post the same form as without
JavaScript and ask, with one header, for the server-rendered part of the page to swap in."""

from __future__ import annotations

from starlette.requests import Request

FRAGMENT_HEADER = "x-parade-fragment"


def wants_fragment(request: Request) -> bool:
    return request.headers.get(FRAGMENT_HEADER) == "1"
