"""Memory and page latency of one server process while many maximum training streams are
asked for at once, without limits and with the default per-process limit.

Run from the repository root:  .venv/bin/python bench/train_streams.py [streams]

Starts `parade serve` (one worker, a fresh SQLite file, loopback only) per row, asks for
`streams` maximum-size trainings at once (LSTM, 64 units, parades of 200, batches of 128,
cut at 8 s), reads the worker's peak resident memory from /proc while they run, and times
the lesson page meanwhile. All come from one address, so the per-client limit is raised
out of the way: the rows compare the per-process limit alone.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from db_fixtures import running_server  # noqa: E402

from app.config import PROJECT_ROOT  # noqa: E402

MAX_RUN = {
    "task": "remember_first",
    "cell": "lstm",
    "hidden_size": 64,
    "parade_length": 200,
    "batch_size": 128,
    "steps": 2000,
    "log_every": 50,
    "max_seconds": 8,
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_pid(port: int) -> int:
    """Return the pid of the process listening on `port` (our single worker)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid)
        except OSError:
            continue
    raise RuntimeError("no server process found")


def measure(streams: int, per_worker: int) -> dict[str, float]:
    os.environ["PARADE_TRAIN_STREAMS_PER_WORKER"] = str(per_worker)
    os.environ["PARADE_TRAIN_STREAMS_PER_CLIENT"] = "10000"
    os.environ["PARADE_CPU_SECONDS_PER_CLIENT"] = "1000000"
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(PROJECT_ROOT / "lessons", f"sqlite:///{tmp}/bench.db", Path(tmp)) as base,
    ):
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        before = rss_mb(pid)
        codes: list[int] = []
        peak = [before]
        done = threading.Event()

        def train() -> None:
            r = httpx.post(f"{base}/api/engine/train", json=MAX_RUN, timeout=120)
            codes.append(r.status_code)

        def sample() -> None:
            while not done.is_set():
                peak.append(rss_mb(pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        threads = [threading.Thread(target=train) for _ in range(streams)]
        for t in threads:
            t.start()
        page_ms = []
        time.sleep(1)
        for _ in range(5):
            start = time.perf_counter()
            httpx.get(f"{base}/lessons/rnn", timeout=120)
            page_ms.append((time.perf_counter() - start) * 1000)
        for t in threads:
            t.join()
        done.set()
        sampler.join()
    return {
        "ok": codes.count(200),
        "refused": codes.count(429),
        "before": before,
        "peak": max(peak),
        "page": statistics.median(page_ms),
    }


def main() -> None:
    streams = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    print(f"{streams} maximum training streams asked for at once, one worker process\n")
    print(
        "| per-process limit | ran | 429 | RSS before (MB) | peak RSS (MB) | lesson page p50 (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, per_worker in (("none (10000)", 10_000), ("default (4)", 4)):
        m = measure(streams, per_worker)
        print(
            f"| {label} | {m['ok']:.0f} | {m['refused']:.0f} | {m['before']:.0f} | "
            f"{m['peak']:.0f} | {m['page']:.0f} |"
        )


if __name__ == "__main__":
    main()
