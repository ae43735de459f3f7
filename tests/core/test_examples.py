"""The examples run as a new user would run them, and answer over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.ports import bound_socket

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def free_port() -> int:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def run() -> Iterator:
    processes: list[subprocess.Popen] = []

    def start(args: list[str], url: str, env: dict[str, str] | None = None) -> str:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=EXAMPLES.parent,
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
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_make_demo_example_serves_the_host_and_the_ui(run):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run(["examples/fastapi_mount.py"], f"{base}/", env={"PORT": str(port)})
    assert httpx.get(f"{base}/").json()["ui"] == "/ui/"
    assert "<title>Greeter</title>" in httpx.get(f"{base}/ui/").text
    answer = httpx.post(f"{base}/ui/api/greet", json={"data": ["Ada", 2]})
    assert answer.json() == {"data": ["Hello, Ada!!"]}


@pytest.mark.parametrize(
    ("example", "endpoint", "data", "expected"),
    [
        ("hello_launch", "predict", ["Ada"], ["Hello, Ada!"]),
        ("chat", "chat", ["hi", []], ["You said **hi**. That is message 1 of our chat."]),
        (
            "blocks_layout",
            "describe",
            ["Ada", 36, "red", ["tea"], True],
            [{"name": "Ada", "age": 36, "color": "red", "likes": ["tea"], "member": True}],
        ),
    ],
)
def test_launch_examples_serve_alone(run, example, endpoint, data, expected):
    port = free_port()
    code = (
        f"import runpy; ns = runpy.run_path('examples/{example}.py'); "
        f"ns['demo'].launch(port={port}, log_level='warning')"
    )
    base = run(["-c", code], f"http://127.0.0.1:{port}/")
    assert httpx.get(base).status_code == 200
    assert httpx.post(f"{base}api/{endpoint}", json={"data": data}, timeout=20).json() == {"data": expected}
