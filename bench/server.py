"""Throughput of /api/engine/trace next to a bare JSON endpoint, on one server, in one run.

Usage: .venv/bin/python bench/server.py [--seconds 10] [--connections 8]
Needs Debian's `wrk`. Prints a table of requests/s (median of --runs runs) and the ratio.
The trace request is an LSTM, H=32, T=50. "cached" repeats one request (the server caches
identical requests, as a class loading the same lesson does); "uncached" draws a new seed
for every request, so each one runs the engine and serializes a fresh result.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TRACE = {
    "cell": "lstm",
    "hidden_size": 32,
    "input": ("the parade goes by " * 3)[:50],
    "seed": 1,
    "weight_scale": 1.0,
}

POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{body}'
"""
RANDOM_SEED_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
counter = 0
request = function()
  counter = counter + 1
  local body = '{prefix}' .. tostring(math.random(1, 2000000000)) .. '{suffix}'
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, seconds: int, connections: int, script: str | None) -> float:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        if script:
            f.write(script)
            cmd[4:4] = ["-s", f.name]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(out)
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    port = free_port()
    data = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "PARADE_DATABASE_URL": f"sqlite:///{data / 'bench.db'}",
        "PARADE_WATCH_LESSONS": "false",
        "PARADE_LESSONS_DIR": str(ROOT / "lessons"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        body = json.dumps(TRACE)
        size = len(httpx.post(f"{base}/api/engine/trace", json=TRACE, timeout=30).content)
        prefix, suffix = body.split('"seed": 1')
        scripts = {
            "bare JSON (GET /healthz)": (f"{base}/healthz", None),
            "trace, cached (same request)": (
                f"{base}/api/engine/trace",
                POST_LUA.format(body=body),
            ),
            "trace, uncached (new seed each)": (
                f"{base}/api/engine/trace",
                RANDOM_SEED_LUA.format(prefix=prefix + '"seed": ', suffix=suffix),
            ),
        }
        results: dict[str, list[float]] = {name: [] for name in scripts}
        for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
            for name, (url, script) in scripts.items():
                results[name].append(wrk(url, args.seconds, args.connections, script))
    finally:
        server.terminate()
        server.wait(timeout=10)

    bare = statistics.median(results["bare JSON (GET /healthz)"])
    print(
        f"\nuvicorn, 1 worker; wrk -t1 -c{args.connections} -d{args.seconds}s; "
        f"median of {args.runs} runs; trace response {size / 1024:.0f} KiB\n"
    )
    print(f"| {'endpoint':34} | {'req/s':>8} | {'vs bare':>7} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 9}|")
    for name, values in results.items():
        median = statistics.median(values)
        print(f"| {name:34} | {median:8.0f} | {median / bare:6.0%} |")


if __name__ == "__main__":
    main()
