"""Faults: kill -9 a worker and restart PostgreSQL while a class works through the lesson.

Run from the repository root, as a user allowed to restart PostgreSQL (root on this machine):
    .venv/bin/python bench/faults.py [--students 400] [--concurrency 60]
        [--restart "pg_ctlcluster 15 main restart"]

Drives bench/load.py's students against `parade serve --workers 2` on PostgreSQL. At
--kill-at seconds one worker gets SIGKILL (uvicorn starts a new one); at --restart-at the
PostgreSQL server restarts (every open connection is cut). Prints, per fault, the requests
that failed around it (5xx, no response) and the time until requests succeed again, and
for the whole run the answers the server said it saved with no stored row behind them
(goal 0: a failure may be shown to a student, a lost write never reported as saved).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from load import (
    DEFAULT_PG,
    Call,
    Log,
    class_server,
    drive,
    is_error,
    make_plan,
    saved_without_row,
    seed_students,
    stored_rows,
)

from app.db.migrate import upgrade
from app.db.scratch import scratch_schema

WINDOW = 30.0  # seconds after a fault in which failures are counted against it


@dataclass(frozen=True)
class Fault:
    name: str
    at: float  # seconds since the run started


def worker_pids(port: int) -> list[int]:
    """Return the pids of the worker processes listening on `port` (not their supervisor)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":  # LISTEN
            inode = fields[9]
    holders: dict[int, int] = {}  # pid -> parent pid
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in fds):
                stat = Path(f"/proc/{pid}/stat").read_text()
                holders[int(pid)] = int(stat.rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    return sorted(pid for pid, parent in holders.items() if parent in holders)


async def inject(
    log: Log, port: int, kill_at: float, restart_at: float, restart: str
) -> list[Fault]:
    """Kill a worker at `kill_at`, restart PostgreSQL at `restart_at` (seconds into the run)."""
    faults = []
    await asyncio.sleep(max(0.0, kill_at - (time.monotonic() - log.t0)))
    victim = worker_pids(port)[0]
    faults.append(Fault(f"kill -9 worker {victim}", time.monotonic() - log.t0))
    os.kill(victim, signal.SIGKILL)
    await asyncio.sleep(max(0.0, restart_at - (time.monotonic() - log.t0)))
    faults.append(Fault("restart PostgreSQL", time.monotonic() - log.t0))
    await asyncio.to_thread(subprocess.run, shlex.split(restart), check=True)
    return faults


def around(calls: list[Call], fault: Fault) -> tuple[int, int, float]:
    """Return (requests in flight or sent in the window, failures, seconds until the last
    failure in the window ended)."""
    hit = [c for c in calls if c.at + c.ms / 1000 >= fault.at and c.at <= fault.at + WINDOW]
    failed = [c for c in hit if is_error(c.status)]
    recovery = max((c.at + c.ms / 1000 - fault.at for c in failed), default=0.0)
    return len(hit), len(failed), recovery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--kill-at", type=float, default=20.0)
    parser.add_argument("--restart-at", type=float, default=60.0)
    parser.add_argument("--restart", default="pg_ctlcluster 15 main restart")
    parser.add_argument("--database-url", default=os.environ.get("PARADE_TEST_DATABASE_URL"))
    args = parser.parse_args()

    with scratch_schema(args.database_url or DEFAULT_PG, prefix="faults") as url:
        upgrade(url)
        students = seed_students(url, args.students)
        with class_server(url, workers=2) as base:
            port = int(base.rsplit(":", 1)[1])
            plan = make_plan(base)
            log = Log()

            async def run() -> list[Fault]:
                faults = asyncio.create_task(
                    inject(log, port, args.kill_at, args.restart_at, args.restart)
                )
                await drive(
                    base,
                    plan,
                    students,
                    concurrency=args.concurrency,
                    think=args.think,
                    seconds=3600,
                    log=log,
                )
                return await faults

            faults = asyncio.run(run())
            took = time.monotonic() - log.t0
        said, rows, missing = saved_without_row(log.calls, stored_rows(url))

    errors = sum(is_error(c.status) for c in log.calls)
    print(
        f"{args.students} students ({log.finished} finished), at most {args.concurrency} at "
        f"once, think {args.think:.1f} s; 2 workers + PostgreSQL; {took:.0f} s, "
        f"{len(log.calls)} requests, {errors} failed; load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"| fault | at s | requests within {WINDOW:.0f} s | failed | recovered after s |")
    print("|---|---:|---:|---:|---:|")
    for fault in faults:
        n, failed, recovery = around(log.calls, fault)
        print(f"| {fault.name} | {fault.at:.1f} | {n} | {failed} | {recovery:.1f} |")
    print("\n| answers the server said it saved (2xx) | rows stored | 2xx without a row |")
    print("|---:|---:|---:|")
    print(f"| {said} | {rows} | {missing} |")


if __name__ == "__main__":
    main()
