"""Time the item-analysis page and JSON for a synthetic class, beside the class overview.

Usage: .venv/bin/python bench/instructor.py [--students 300] [--questions 30] [--runs 30]

Writes a lesson of --questions questions (single choice, multiple select, true/false,
numeric in turn) into a temporary folder, seeds a SQLite file (and a PostgreSQL schema when
PARADE_TEST_DATABASE_URL is set) with --students students' tries inserted directly: each
student tries most questions, a wrong first try is followed by a second at half points. Then
times each GET through TestClient (the whole app: auth, query, statistics, template),
round-robin so that load on the machine hits every route alike, and prints the median and
95th percentile in ms. BLAS is pinned to one thread, as in the server.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import insert, update
from threadpoolctl import threadpool_limits

from app.config import Settings
from app.content.store import load_source
from app.db.database import Database
from app.db.migrate import upgrade
from app.db.models import Attempt, User, utcnow
from app.db.scratch import scratch_schema
from app.main import create_app
from app.quiz.grading import question_version

SLUG = "bench"
BUDGET_MS = 300.0  # the page must stay under this for 300 students x 30 questions
LESSON_MD = f"""\
---
title: Benchmark lesson
slug: {SLUG}
---

## Reading {{#reading}}

Text.

## Check yourself {{#quiz}}
"""


def quiz_yaml(questions: int) -> str:
    """Return a quiz of `questions` questions cycling through four kinds."""
    out: list[dict[str, Any]] = []
    for j in range(questions):
        base = {"id": f"q{j}", "prompt": f"Question {j}?", "explanation": "Because."}
        wrong = [
            {"id": f"w{k}", "text": f"Wrong {k}", "feedback": "No.", "misconception": f"M{k}"}
            for k in range(3)
        ]
        kind = j % 4
        if kind == 0:
            options = [{"id": "right", "text": "Right", "correct": True}, *wrong]
            out.append({**base, "type": "single", "options": options})
        elif kind == 1:
            options = [{"id": "r1", "text": "R1", "correct": True}, *wrong]
            out.append({**base, "type": "multiple", "options": options})
        elif kind == 2:
            out.append({**base, "type": "true_false", "answer": True, "feedback": "No."})
        else:
            out.append({**base, "type": "numeric", "answer": 42, "feedback": "No."})
    return yaml.safe_dump({"questions": out})


def answer_for(kind: int, right: bool, rng: np.random.Generator) -> object:
    w = f"w{rng.integers(3)}"
    return [
        "right" if right else w,
        ["r1"] if right else ["r1", w],
        right,
        42 if right else 41,
    ][kind]


def seed(url: str, lessons: Path, students: int, rng: np.random.Generator) -> None:
    """Create the schema and insert the class's tries directly (no grading)."""
    upgrade(url)
    lesson = load_source(lessons / SLUG)
    versions = [question_version(q) for q in lesson.questions]
    db = Database.from_url(url)
    with db.session(write=True) as s:
        users = [{"username": f"s{i}", "password_hash": "x"} for i in range(students)]
        ids = s.scalars(insert(User).returning(User.id), users).all()
        ability = rng.normal(size=students)
        difficulty = rng.normal(size=len(versions))
        rows: list[dict[str, Any]] = []
        for i, user in enumerate(ids):
            for j, version in enumerate(versions):
                if rng.random() < 0.1:
                    continue  # not tried
                p = 1 / (1 + np.exp(-(ability[i] - difficulty[j] + 0.8)))
                tries = [bool(rng.random() < p)]
                if not tries[0]:
                    tries.append(bool(rng.random() < 0.6))
                for number, right in enumerate(tries, 1):
                    rows.append(
                        {
                            "user_id": user,
                            "lesson_slug": SLUG,
                            "question_id": f"q{j}",
                            "question_version": version,
                            "number": number,
                            "answer": answer_for(j % 4, right, rng),
                            "score": (1.0 if number == 1 else 0.5) if right else 0.0,
                            "correct": right,
                            "created_at": utcnow(),
                        }
                    )
        s.execute(insert(Attempt), rows)
        s.commit()
    db.dispose()


Times = dict[str, tuple[list[float], list[float]]]  # route -> (wall ms, CPU ms) per run


def time_routes(settings: Settings, runs: int) -> Times:
    """Return wall and CPU ms per GET of each route, timed round-robin `runs` times after a
    warm-up. TestClient serves in this process, so its CPU time counts the app's work and
    not the waiting for a core that wall time includes on a loaded machine."""
    routes = {
        "items page": f"/instructor/lessons/{SLUG}/items",
        "items JSON": f"/api/instructor/lessons/{SLUG}/items",
        "lesson gradebook page": f"/instructor/lessons/{SLUG}/gradebook",
        "course gradebook page": "/instructor/gradebook",
        "gradebook CSV": f"/instructor/lessons/{SLUG}/export/gradebook.csv",
        "class overview page (baseline)": "/instructor",
        "class stats JSON (baseline)": "/api/instructor/stats",
    }
    with TestClient(create_app(settings)) as client:
        token = client.get("/api/auth/csrf").json()["csrf_token"]
        body = {"username": "teach", "password": "a long enough passphrase"}
        made = client.post("/api/auth/register", json=body, headers={"X-CSRFToken": token})
        assert made.status_code == 201, made.text
        db = Database.from_url(settings.database_url)
        with db.session(write=True) as s:
            s.execute(update(User).where(User.username == "teach").values(role="instructor"))
            s.commit()
        db.dispose()
        out: Times = {name: ([], []) for name in routes}
        for path in routes.values():
            assert client.get(path).status_code == 200, path  # warm-up
        for _ in range(runs):
            for name, path in routes.items():
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                out[name][0].append(1000 * (time.perf_counter() - start))
                out[name][1].append(1000 * (time.process_time() - cpu))
                assert response.status_code == 200
    return out


def report(backend: str, times: Times) -> None:
    print(f"\n{backend} (wall ms, and CPU ms of this process)")
    print(f"| {'route':32} | median |    p95 | CPU median | CPU p95 |")
    print(f"|{'-' * 34}|-------:|-------:|-----------:|--------:|")
    for name, (wall, cpu) in times.items():
        print(
            f"| {name:32} | {statistics.median(wall):6.1f} | {np.percentile(wall, 95):6.1f} "
            f"| {statistics.median(cpu):10.1f} | {np.percentile(cpu, 95):7.1f} |"
        )
    for name in ("items page", "lesson gradebook page", "course gradebook page"):
        page = float(np.percentile(times[name][0], 95))
        verdict = "under" if page < BUDGET_MS else "OVER"
        print(f"{name} p95 {page:.1f} ms: {verdict} the {BUDGET_MS:.0f} ms budget")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")
    with tempfile.TemporaryDirectory() as tmp:
        lessons = Path(tmp) / "lessons"
        (lessons / SLUG).mkdir(parents=True)
        (lessons / SLUG / "lesson.md").write_text(LESSON_MD, encoding="utf-8")
        (lessons / SLUG / "quiz.yaml").write_text(quiz_yaml(args.questions), encoding="utf-8")
        urls = {"SQLite": f"sqlite:///{tmp}/bench.db"}
        with contextlib.ExitStack() as stack:
            pg = os.environ.get("PARADE_TEST_DATABASE_URL")
            if pg:
                urls["PostgreSQL"] = stack.enter_context(scratch_schema(pg))
            print(f"{args.students} students x {args.questions} questions, {args.runs} runs")
            for backend, url in urls.items():
                seed(url, lessons, args.students, np.random.default_rng(0))
                settings = Settings(
                    lessons_dir=lessons,
                    database_url=url,
                    secret_key="bench-secret-key-" + "x" * 32,
                    watch_lessons=False,
                )
                report(backend, time_routes(settings, args.runs))


if __name__ == "__main__":
    main()
