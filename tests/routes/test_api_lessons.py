"""JSON API: shapes, 404s, and the student view hiding every answer."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from app.content.store import LessonStore


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_list_lessons(client: TestClient) -> None:
    body = client.get("/api/lessons").json()
    assert {"slug": "rnn-lesson", "title": "RNN Lesson"}.items() <= next(
        lesson for lesson in body if lesson["slug"] == "rnn-lesson"
    ).items()
    assert all(set(lesson) == {"slug", "title", "summary"} for lesson in body)
    assert body[0]["slug"] == "rnn"  # order: 1 puts the RNN lesson first


def test_lesson_shape(mini_client: TestClient) -> None:
    body = mini_client.get("/api/lessons/mini").json()
    assert set(body) == {
        "slug",
        "title",
        "summary",
        "invitation",
        "narrated",
        "sections",
        "quiz",
        "checked",
        "dilemmas",
    }
    assert [s["id"] for s in body["sections"]] == ["answer", "how-it-works", "quiz", "dilemmas"]
    assert all(set(s) == {"id", "title", "html", "kind", "parts"} for s in body["sections"])
    q = {q["id"]: q for q in body["quiz"]}
    assert set(q["memory"]) == {
        "id",
        "type",
        "type_label",
        "prompt",
        "options",
        "unit",
        "max_attempts",
        "hint_count",
        "answer_size",
        "given",
    }
    assert q["memory"]["options"] == [
        {"id": "hidden", "text": "The hidden state"},
        {"id": "weights", "text": "The weights"},
    ]
    assert q["memory"]["hint_count"] == 1
    assert q["tf"]["options"] == [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
    assert q["params"]["options"] == []
    d = body["dilemmas"][0]
    assert set(d) == {"id", "title", "prompt", "options", "ask_reason"}
    assert d["options"] == [{"id": "rnn", "text": "A plain RNN"}, {"id": "lstm", "text": "An LSTM"}]


def test_ordering_items_are_never_sent_in_the_correct_order(
    mini_client: TestClient, lessons_dir: Path
) -> None:
    for lesson in LessonStore(lessons_dir).reload().lessons.values():
        body = mini_client.get(f"/api/lessons/{lesson.slug}").json()
        sent = {q["id"]: [o["id"] for o in q["options"]] for q in body["quiz"]}
        for question in lesson.questions:
            if question.type == "ordering":
                correct = [i.id for i in question.items]
                assert sorted(sent[question.id]) == sorted(correct)
                assert sent[question.id] != correct, question.id


def test_unknown_lesson_is_a_json_404(client: TestClient) -> None:
    r = client.get("/api/lessons/no-such-lesson")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"detail": "No lesson called 'no-such-lesson'."}


def test_openapi_documents_the_lesson_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/api/lessons", "/api/lessons/{slug}"} <= set(paths)
    assert client.get("/docs").status_code == 200


SECRET_KEYS = {
    "feedback",
    "misconception",
    "explanation",
    "hints",
    "commentary",
    "tradeoffs",
    "gains",
    "costs",
    "correct",
    "answer",
    "accept",
    "mistakes",
}


def _secrets(value: Any, key: str = "") -> list[str]:
    """Every string under a secret key of a quiz or dilemmas file."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _secrets(v, k if k in SECRET_KEYS else key)]
    if isinstance(value, list):
        return [s for v in value for s in _secrets(v, key)]
    return [value] if key and isinstance(value, str) and len(value) >= 12 else []


def test_scan_no_answer_feedback_or_commentary_in_any_page_or_response(
    mini_client: TestClient, lessons_dir: Path
) -> None:
    secrets: list[str] = []
    for path in [*lessons_dir.glob("*/quiz.yaml"), *lessons_dir.glob("*/dilemmas.yaml")]:
        secrets += _secrets(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert any(s.startswith("SECRET-FEEDBACK") for s in secrets)  # the scan sees the test lesson
    assert len(secrets) > 40  # and the RNN lesson's answers
    slugs = [lesson["slug"] for lesson in mini_client.get("/api/lessons").json()]
    urls = ["/", "/api/lessons", "/openapi.json"]
    urls += [f"/lessons/{s}" for s in slugs] + [f"/api/lessons/{s}" for s in slugs]
    for url in urls:
        r = mini_client.get(url)
        assert r.status_code == 200, url
        text = html.unescape(r.text)
        if r.headers["content-type"].startswith("application/json"):
            text = json.dumps(r.json(), ensure_ascii=False)
        if url.startswith("/api/lessons"):
            assert not (SECRET_KEYS & _keys(r.json())), url
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{url} leaks {leaked[:3]}"


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()
