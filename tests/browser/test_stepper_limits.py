"""The training widget when the client's training limit is reached: a plain message, not a
broken widget."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from db_fixtures import running_server
from playwright.sync_api import Page, expect

from app.config import PROJECT_ROOT

TRAIN = "#variants-rnn-stepper-2"  # train view
LONG_RUN = {"task": "next_char", "steps": 2000, "log_every": 1, "max_seconds": 20}
SHORT_RUN = {"task": "remember_first", "cell": "rnn", "hidden_size": 4, "steps": 1}


def wait_for_the_slot(base: str, within: float = 30.0) -> None:
    """Wait until the server has given back a closed stream's slot. It notices the closed
    connection, waits for the line being made and drops the lease in the database: quick,
    but not before `holder.join()` returns, so clicking at once would race it (as in a
    loaded CI run). A short run that streams to its end proves the slot is free (a finished
    run gives its slot back before its last byte is sent)."""
    deadline = time.monotonic() + within
    while True:
        r = httpx.post(f"{base}/api/engine/train", json=SHORT_RUN, timeout=30)
        if r.status_code == 200:
            return
        assert r.status_code == 429, r.text
        assert time.monotonic() < deadline, "the closed stream's slot was never given back"
        time.sleep(0.1)


@pytest.fixture
def one_training_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("PARADE_TRAIN_STREAMS_PER_CLIENT", "1")
    with running_server(
        PROJECT_ROOT / "lessons", f"sqlite:///{tmp_path / 'p.db'}", tmp_path
    ) as url:
        yield url


def test_a_second_training_from_the_same_address_says_why_it_waits(
    page: Page, one_training_server: str, artifacts: Path, console_errors: list[str]
) -> None:
    base = one_training_server
    started, release = threading.Event(), threading.Event()

    def hold_the_slot() -> None:  # another tab of this browser, training already
        with httpx.stream("POST", f"{base}/api/engine/train", json=LONG_RUN, timeout=60) as r:
            for _ in r.iter_lines():
                started.set()
                if release.is_set():
                    return  # closing the stream gives the slot back

    page.goto(f"{base}/lessons/rnn-gated")
    root = page.locator(TRAIN)
    root.scroll_into_view_if_needed()
    holder = threading.Thread(target=hold_the_slot)
    holder.start()
    try:
        assert started.wait(30)
        root.locator(".st-train-actions button", has_text="Train").click()
        error = root.locator(".st-train .st-error")
        expect(error).to_have_text(
            "A training is already running from your browser; wait for it to finish."
        )
        expect(root.locator(".st-train-status")).to_contain_text("Failed")
        root.screenshot(path=artifacts / "stepper-training-limit.png")
    finally:
        release.set()
        holder.join()
    wait_for_the_slot(base)
    # The other run ended: training works again.
    root.locator(".st-train-actions button", has_text="Train").click()
    expect(root.locator(".st-train-status")).to_contain_text("Finished", timeout=60_000)
    assert all("429" in e for e in console_errors), console_errors
