"""The examples run as a new user would run them (`make demo` over real HTTP), and their own tests pass."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
from support.ports import free_port

PROJECT = Path(__file__).resolve().parents[2]


def test_make_demo_example_serves_the_host_and_the_ui(run):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run(["examples/fastapi_mount.py"], f"{base}/", env={"PORT": str(port)})
    assert httpx.get(f"{base}/").json()["ui"] == "/ui/"
    assert "<title>Greeter</title>" in httpx.get(f"{base}/ui/").text
    answer = httpx.post(f"{base}/ui/api/greet", json={"data": ["Ada", 2]})
    assert answer.json() == {"data": ["Hello, Ada!!"]}


def test_the_examples_own_tests_pass():
    # examples/tests drive each example's UI by label through the `mountui_ui` fixture, as the examples'
    # users would test theirs: a fresh pytest finds the fixture through mountui's pytest11 entry point.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "examples/tests", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d+ passed\b", done.stdout) and "skipped" not in done.stdout, done.stdout
