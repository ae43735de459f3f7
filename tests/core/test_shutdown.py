"""Stopping the server (SIGTERM) as a deployment does: every open stream ends with a final `shutting_down`
event, running generators are closed (their `finally` runs), temporary files go, and the process exits
promptly. Both ways of serving: `launch()`, and `mount_ui_app` in a host run with `uvicorn main:app`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support.ports import free_port
from support.sse import parse_sse

APP = """
import os, sys, tempfile, time
import mountui

MARK = os.environ["MARK"]

def forever(x: str):
    try:
        i = 0
        while True:
            time.sleep(0.05)
            i += 1
            yield f"{x} {i}"
    finally:
        with open(MARK, "a") as f:
            f.write("closed ")

def report(x: str) -> str:
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.write(fd, x.encode())
    os.close(fd)
    return path

with mountui.Blocks() as demo:
    box, out = mountui.Textbox(), mountui.Textbox()
    mountui.Button().click(forever, box, out, api_name="forever")
    mountui.Button().click(report, box, mountui.File(), api_name="report")
"""

LAUNCH = (
    APP
    + """
demo.launch(port=int(sys.argv[1]), shutdown_grace=1)
"""
)

HOST = (
    APP
    + """
from fastapi import FastAPI
app = mountui.mount_ui_app(FastAPI(), demo, path="/ui", shutdown_grace=1)
"""
)


@pytest.fixture(params=["launch", "host"])
def server(request, tmp_path):
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "MARK": str(tmp_path / "mark"), "TMPDIR": str(temp)}
    if request.param == "launch":
        (tmp_path / "app.py").write_text(LAUNCH)
        args, base = ["app.py", str(port)], f"http://127.0.0.1:{port}"
    else:
        (tmp_path / "main.py").write_text(HOST)
        args, base = ["-m", "uvicorn", "main:app", "--port", str(port)], f"http://127.0.0.1:{port}/ui"
    process = subprocess.Popen(
        [sys.executable, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        assert process.poll() is None, process.stdout.read().decode()
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
    yield process, base, tmp_path
    if process.poll() is None:
        process.kill()
        process.wait(5)


def test_sigterm_ends_every_stream_with_a_final_event_and_the_process_exits(server):
    process, base, tmp_path = server
    with httpx.Client(timeout=20) as http:
        assert http.post(f"{base}/api/report", json={"data": ["kept until shutdown"]}).status_code == 200
        headers = {"Accept": "text/event-stream"}
        with (
            http.stream("POST", f"{base}/api/forever", json={"data": ["run"]}, headers=headers) as running,
            http.stream("POST", f"{base}/api/forever", json={"data": ["wait"]}, headers=headers) as queued,
        ):
            running_events = parse_sse(running.iter_lines())
            assert next(running_events)["event"] == "started"
            assert next(running_events)["event"] == "output"
            queued_events = parse_sse(queued.iter_lines())
            assert next(queued_events)["event"] == "queued"

            process.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            # The queued call is given up at once; the running one after shutdown_grace (1 s).
            assert [e["event"] for e in queued_events] == ["error"]
            rest = list(running_events)
            waited = time.monotonic() - stopped_at
    assert rest[-1]["event"] == "error"
    assert rest[-1]["data"]["code"] == "shutting_down" and rest[-1]["data"]["retry_after"] > 0
    assert all(e["event"] == "output" for e in rest[:-1])
    assert 0.8 < waited < 5
    # uvicorn ends a clean shutdown by raising the signal again: the process "dies" of SIGTERM, as uvicorn's do.
    assert process.wait(10) in (0, -signal.SIGTERM)
    log = process.stdout.read().decode()
    assert "Application shutdown complete" in log and "Traceback" not in log, log
    assert time.monotonic() - stopped_at < 8
    assert Path(tmp_path / "mark").read_text().split() == ["closed"]  # the generator's `finally` ran
    assert [p.name for p in (tmp_path / "tmp").iterdir() if p.name.startswith("mountui-")] == []


def test_calls_made_while_stopping_are_refused_with_a_retry_hint():
    import asyncio

    import mountui
    from mountui.server.app import build_app

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(str.upper, box, box, api_name="upper")

    async def main() -> None:
        app = build_app(demo)
        async with app.lifespan():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
                assert (await client.post("/api/upper", json={"data": ["a"]})).json() == {"data": ["A"]}
                app.begin_shutdown()
                refused = await client.post("/api/upper", json={"data": ["a"]})
                assert refused.status_code == 503
                assert refused.headers["retry-after"] == "2"
                assert refused.json()["error"]["code"] == "shutting_down"
                health = await client.get("/healthz")  # draining: load balancers send callers elsewhere
                assert health.status_code == 503 and health.json() == {"status": "shutting_down"}

    asyncio.run(main())
