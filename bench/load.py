"""Load: a class of simulated students against `parade serve --workers 2` on PostgreSQL.

Run from the repository root:
    .venv/bin/python bench/load.py [--students 1000] [--concurrency 100] [--think 1.0]

Each student is logged in beforehand (accounts and sessions are written straight into a fresh
PostgreSQL schema: sign-ups happen once per term and are slow on purpose), then opens the
lesson page, asks for 3 traces, answers 10 questions, responds to 1 dilemma and reads their
progress, waiting `think` seconds on average before each request (and before arriving) as a
reader would. At most
`concurrency` students are in the lesson at once; the next starts as one finishes, until all
have or `--seconds` pass. Loopback only; the schema is dropped at the end.

Prints throughput and p50/p95/p99 per route, the errors (5xx, no response, 429), and the
answers stored in the database beside the answers the server said it saved (2xx).
bench/faults.py drives the same students while it kills a worker and restarts PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from db_fixtures import running_server  # noqa: E402

from app.accounts.passwords import hash_password, new_session_token, token_digest  # noqa: E402
from app.config import PROJECT_ROOT  # noqa: E402
from app.db.database import Database  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.db.models import Attempt, AuthSession, DilemmaResponse, User, utcnow  # noqa: E402
from app.db.scratch import scratch_schema  # noqa: E402
from app.web.session import SESSION_COOKIE  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WORDS = "the parade goes by and every float fades from memory".split()
# Everyone comes from 127.0.0.1 here, where a class would come from many addresses (or one
# NAT address with the limits raised, as docs/deploy.md says): the per-client limits step aside.
SERVER_ENV = {
    "PARADE_ENVIRONMENT": "production",
    "PARADE_CPU_SECONDS_PER_CLIENT": "1000000",
    "PARADE_GUEST_LIMIT_PER_CLIENT": "1000000",
}


@dataclass(frozen=True)
class Call:
    route: str
    status: int  # 0: no response (refused, reset or timed out)
    ms: float
    at: float  # seconds since the run started, when the request was sent
    saves: tuple[str, str] | None = None  # (username, what) when a 2xx means a stored row
    error: str = ""  # with no response: what the client saw (the exception's class)


@dataclass
class Log:
    t0: float = field(default_factory=time.monotonic)
    calls: list[Call] = field(default_factory=list)
    finished: int = 0  # students who went through the whole lesson
    skipped: int = 0  # students not started before the time ran out


@dataclass(frozen=True)
class Plan:
    """What every student does: the lesson to open, questions to answer, one dilemma."""

    page: str
    questions: list[tuple[str, dict[str, Any]]]  # (lesson slug, question as the API shows it)
    dilemma: tuple[str, dict[str, Any]]


def is_error(status: int) -> bool:
    return status == 0 or status >= 500 or status == 429


def make_plan(base: str, answers: int = 10) -> Plan:
    """Read the lessons as a student's browser would and pick what the students will do."""
    slugs = [s["slug"] for s in httpx.get(f"{base}/api/lessons", timeout=30).json()]
    lessons = [httpx.get(f"{base}/api/lessons/{s}", timeout=30).json() for s in slugs]
    questions = [(ls["slug"], q) for ls in lessons for q in ls["quiz"] if q["type"] != "engine"]
    dilemmas = [(ls["slug"], d) for ls in lessons for d in ls["dilemmas"]]
    if len(questions) < answers or not dilemmas:
        raise SystemExit(f"the lessons need {answers} questions and a dilemma")
    return Plan(f"/lessons/{slugs[0]}", questions[:answers], dilemmas[0])


def answer_for(question: dict[str, Any], rng: random.Random) -> object:
    """A plausible answer of the right shape, right or wrong as a class's would be."""
    ids = [o["id"] for o in question["options"]]
    match question["type"]:
        case "single":
            return rng.choice(ids)
        case "multiple":
            return rng.sample(ids, rng.randint(1, len(ids)))
        case "true_false":
            return rng.random() < 0.5
        case "numeric":
            return rng.randint(0, 2000)
        case "ordering":
            return rng.sample(ids, len(ids))
        case _:
            return rng.choice(WORDS)


def seed_students(url: str, n: int) -> list[tuple[str, str]]:
    """Create `n` students, each with a live session; return (username, session token)."""
    shared_hash = hash_password("load-test passphrase")  # one hash: argon2 is slow on purpose
    tokens = [(f"student{i:04d}", new_session_token()) for i in range(n)]
    db = Database.from_url(url)
    with db.session(write=True) as s:
        users = [User(username=n, password_hash=shared_hash, role="student") for n, _ in tokens]
        s.add_all(users)
        s.flush()
        now = utcnow()
        later = now.replace(year=now.year + 1)
        s.add_all(
            AuthSession(token_hash=token_digest(t), user_id=u.id, created_at=now, expires_at=later)
            for u, (_, t) in zip(users, tokens, strict=True)
        )
        s.commit()
    db.dispose()
    return tokens


async def call(
    client: httpx.AsyncClient,
    log: Log,
    route: str,
    method: str,
    url: str,
    *,
    saves: tuple[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response | None:
    start = time.monotonic()
    try:
        response: httpx.Response | None = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        response, error = None, f"{type(exc).__name__}: {exc}"
    else:
        error = ""
    status = 0 if response is None else response.status_code
    ms = (time.monotonic() - start) * 1000
    log.calls.append(Call(route, status, ms, start - log.t0, saves, error))
    return response


async def student(
    client: httpx.AsyncClient, log: Log, plan: Plan, name: str, think: float, rng: random.Random
) -> None:
    async def pause() -> None:
        await asyncio.sleep(rng.uniform(0, 2 * think))

    # Students arrive as they pause everywhere else: spread over 0-2 think, not all in one
    # millisecond (the first `concurrency` of them would otherwise queue behind each other
    # for the lesson page and measure the driver's start, not the class's steady load).
    await pause()
    got = await call(client, log, "GET /api/auth/csrf", "GET", "/api/auth/csrf")
    if got is None or got.status_code != 200:
        return
    headers = {"X-CSRFToken": got.json()["csrf_token"]}
    await call(client, log, "GET /lessons/{slug}", "GET", plan.page)
    for cell in ("rnn", "lstm", "gru"):
        await pause()
        own = " ".join(rng.sample(WORDS, 3))  # the widget's default input, or the student's own
        body = {"cell": cell, "hidden_size": 8, "input": rng.choice([own, "the parade"]), "seed": 0}
        await call(client, log, "POST /api/engine/trace", "POST", "/api/engine/trace", json=body)
    for slug, q in plan.questions:
        await pause()
        await call(
            client,
            log,
            "POST .../quiz/{id}/attempts",
            "POST",
            f"/api/lessons/{slug}/quiz/{q['id']}/attempts",
            json={"answer": answer_for(q, rng), "confidence": rng.randint(1, 5)},
            headers=headers,
            saves=(name, f"q:{slug}:{q['id']}"),
        )
    slug, d = plan.dilemma
    await pause()
    await call(
        client,
        log,
        "POST .../dilemmas/{id}/responses",
        "POST",
        f"/api/lessons/{slug}/dilemmas/{d['id']}/responses",
        json={
            "choice": rng.choice(d["options"])["id"],
            "reason": " ".join(rng.sample(WORDS, 6)),
            "confidence": rng.randint(1, 5),
        },
        headers=headers,
        saves=(name, f"d:{slug}:{d['id']}"),
    )
    await pause()
    await call(client, log, "GET /api/me/progress", "GET", "/api/me/progress")
    log.finished += 1


async def drive(
    base: str,
    plan: Plan,
    students: list[tuple[str, str]],
    *,
    concurrency: int,
    think: float,
    seconds: float,
    log: Log,
    seed: int = 0,
) -> None:
    """Run every student, at most `concurrency` at once, starting none after `seconds`."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    transport = httpx.AsyncHTTPTransport(limits=limits)
    slots = asyncio.Semaphore(concurrency)

    async def one(i: int, name: str, token: str) -> None:
        async with slots:
            if time.monotonic() - log.t0 > seconds:
                log.skipped += 1
                return
            # A client per student (its own cookies) over one shared connection pool.
            client = httpx.AsyncClient(base_url=base, transport=transport, timeout=60)
            client.cookies.set(SESSION_COOKIE, token)
            await student(client, log, plan, name, think, random.Random(seed * 100_003 + i))

    await asyncio.gather(*(one(i, n, t) for i, (n, t) in enumerate(students)))
    await transport.aclose()


def stored_rows(url: str) -> Counter[tuple[str, str]]:
    """Count the answers stored per (username, what), in the keys `Call.saves` uses."""
    db = Database.from_url(url)
    rows: Counter[tuple[str, str]] = Counter()
    with db.session(write=False) as s:
        for name, slug, qid, n in s.execute(
            select(User.username, Attempt.lesson_slug, Attempt.question_id, func.count())
            .join(User, User.id == Attempt.user_id)
            .group_by(User.username, Attempt.lesson_slug, Attempt.question_id)
        ):
            rows[(name, f"q:{slug}:{qid}")] = n
        for name, slug, did, n in s.execute(
            select(
                User.username, DilemmaResponse.lesson_slug, DilemmaResponse.dilemma_id, func.count()
            )
            .join(User, User.id == DilemmaResponse.user_id)
            .group_by(User.username, DilemmaResponse.lesson_slug, DilemmaResponse.dilemma_id)
        ):
            rows[(name, f"d:{slug}:{did}")] = n
    db.dispose()
    return rows


def saved_without_row(calls: list[Call], rows: Counter[tuple[str, str]]) -> tuple[int, int, int]:
    """Return (2xx answers, stored rows, 2xx answers with no row behind them)."""
    said = Counter(c.saves for c in calls if c.saves and 200 <= c.status < 300)
    missing = sum(max(0, n - rows[key]) for key, n in said.items())
    return sum(said.values()), sum(rows.values()), missing


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def route_table(calls: list[Call], seconds: float) -> None:
    routes = sorted({c.route for c in calls})
    print("| route | requests | req/s | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for route in [*routes, "all"]:
        mine = [c for c in calls if route in ("all", c.route)]
        ms = [c.ms for c in mine]
        errors = sum(is_error(c.status) for c in mine)
        print(
            f"| {route} | {len(mine)} | {len(mine) / seconds:.1f} | {errors} | "
            f"{statistics.median(ms):.0f} | {percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} |"
        )
    failed = Counter(c.status for c in calls if is_error(c.status))
    if failed:
        print(f"\nErrors by status (0: no response): {dict(failed)}")
        for error, n in Counter(c.error for c in calls if c.error).most_common():
            print(f"- {n} x {error}")
    other = Counter(c.status for c in calls if 400 <= c.status < 500 and c.status != 429)
    if other:
        print(f"\nOther 4xx (a student's own mistakes, not errors): {dict(other)}")


@contextmanager
def class_server(url: str, workers: int) -> Iterator[str]:
    """`parade serve` with `workers` processes on the database at `url`; yield its base URL."""
    os.environ.update(SERVER_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        with running_server(PROJECT_ROOT / "lessons", url, Path(tmp), workers=workers) as base:
            yield base


def cpu_seconds(who: int) -> float:
    """Return the user + system CPU-seconds used by this process or its reaped children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds before a request")
    parser.add_argument("--seconds", type=float, default=600, help="start no student after this")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("PARADE_TEST_DATABASE_URL"))
    args = parser.parse_args()

    with scratch_schema(args.database_url or DEFAULT_PG, prefix="load") as url:
        upgrade(url)
        students = seed_students(url, args.students)
        driver_cpu = cpu_seconds(resource.RUSAGE_SELF)
        with class_server(url, args.workers) as base:
            plan = make_plan(base)
            log = Log()
            asyncio.run(
                drive(
                    base,
                    plan,
                    students,
                    concurrency=args.concurrency,
                    think=args.think,
                    seconds=args.seconds,
                    log=log,
                )
            )
            took = time.monotonic() - log.t0
            driver_cpu = cpu_seconds(resource.RUSAGE_SELF) - driver_cpu
        said, rows, missing = saved_without_row(log.calls, stored_rows(url))

    print(
        f"{args.students} students ({log.finished} finished, {log.skipped} not started), "
        f"at most {args.concurrency} at once, think {args.think:.1f} s; {args.workers} workers "
        f"+ PostgreSQL; {took:.0f} s; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores\n"
    )
    route_table(log.calls, took)
    # The server's processes are reaped when it stops; the students share this machine.
    server_cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    print(
        f"\nCPU-seconds: server (all workers) {server_cpu:.0f}, this driver {driver_cpu:.0f}; "
        f"{1000 * server_cpu / max(1, len(log.calls)):.1f} ms of server CPU per request"
    )
    print("\n| answers the server said it saved (2xx) | rows stored | 2xx without a row |")
    print("|---:|---:|---:|")
    print(f"| {said} | {rows} | {missing} |")


if __name__ == "__main__":
    main()
