"""The examples run as a new user would run them, and answer over real HTTP."""

from __future__ import annotations

import httpx
import pytest
from support.ports import free_port


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
