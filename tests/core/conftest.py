"""Helpers for the core tests: a live UI on a real uvicorn server, and a reader for event streams."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.ports import stop_process

import mountui


@pytest.fixture
def live(serve: Callable[..., str]) -> Callable[..., str]:
    """Serve a Blocks alone on a real server: ``base = live(demo, **settings)``."""

    def start(blocks: mountui.Blocks, **settings: Any) -> str:
        return serve(blocks.build_app(**settings))

    return start


@pytest.fixture
def live_app(serve: Callable[..., str]) -> Callable[..., tuple[str, Any]]:
    """Like `live`, also handing back the app, so a test can wait on its queue instead of sleeping."""

    def start(blocks: mountui.Blocks, **settings: Any) -> tuple[str, Any]:
        app = blocks.build_app(**settings)
        return serve(app), app

    return start


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as client:
        yield client


PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run() -> Iterator[Callable[..., str]]:
    """Run a Python program as a user would, until it serves `url`: ``run(args, url, env=, cwd=)``.

    `args` follow the interpreter (``["examples/chat.py"]``, ``["-m", "uvicorn", "main:app"]``); the program
    runs in the project folder unless `cwd` says otherwise, and stops at teardown.
    """
    processes: list[subprocess.Popen] = []

    def start(args: list[str], url: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=cwd or PROJECT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            try:
                if httpx.get(url, timeout=1).status_code < 500:
                    return url
            except httpx.TransportError:
                time.sleep(0.1)
        raise TimeoutError(f"{args} did not serve {url}")

    yield start
    for process in processes:
        stop_process(process, timeout=10)
