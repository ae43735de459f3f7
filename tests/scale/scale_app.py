"""The app every worker of the scale-out tests runs: ``python -m uvicorn scale_app:app --app-dir tests/scale``.

Configured by environment, the same on every worker of one cluster:

- ``SCALE_REDIS_URL``: the shared store (``redis://127.0.0.1:PORT/0``), passed as ``store=``; without it the
  app leaves ``store`` out and the library reads ``MOUNTUI_STORE``;
- ``SCALE_SECRET``: the app's ``secret_key`` (the same everywhere, or sign-ins would not cross workers);
- ``SCALE_FILE_DIR``: ``file_dir``, where every worker finds uploaded and produced files;
- ``SCALE_LEASE``: ``worker_lease`` in seconds (short in tests, so a killed worker is noticed quickly);
- ``SCALE_SHARED_DIR``: a directory the functions use to talk across processes (run records, release flags).

Every response carries ``X-Scale-Worker: <pid>`` and ``GET /whoami`` answers ``{"pid": ...}``, so that a test
knows which process served it; functions put the pid of the process that ran them into their outputs.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import mountui

PID = os.getpid()
SHARED = Path(os.environ.get("SCALE_SHARED_DIR") or tempfile.mkdtemp(prefix="scale-shared-"))
USERS = [("alice", "wonderland-42"), ("bob", "builder-77"), ("carol", "carol-in-wonderland-3")]


def slow(steps: float, delay: float, progress: mountui.Progress):
    """A slow streaming generator: one output per step, with progress."""
    total = int(steps)
    for i in range(total):
        progress((i + 1) / total, desc="stepping")
        yield f"{PID} step {i + 1}/{total}"
        time.sleep(delay)


def record(line: str) -> None:
    # One short write with O_APPEND: lines of concurrent writers in other processes never interleave.
    with open(SHARED / "runs.log", "a") as f:
        f.write(line + "\n")


def exclusive(tag: str, hold: bool) -> str:
    """concurrency_limit=1 across the cluster: records when it ran, so a test can check no two overlapped.

    With `hold`, it waits until the file ``release`` appears in the shared directory (at most 60 s).
    """
    record(f"start {tag} {PID} {time.time():.6f}")
    try:
        if hold:
            deadline = time.monotonic() + 60
            while not (SHARED / "release").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        else:
            time.sleep(0.1)
    finally:
        record(f"end {tag} {PID} {time.time():.6f}")
    return f"{PID} {tag}"


def shout(path: str) -> tuple[str, str]:
    """Takes a file, returns a new file: the text in capitals, made by whichever worker runs the call."""
    text = Path(path).read_text()
    out = Path(tempfile.mkdtemp(prefix="scale-out-")) / "shouted.txt"
    out.write_text(text.upper())
    return str(out), str(PID)


def steps_with_pid(steps: float):
    """The generator of the worker-loss endpoints: each output names the process running it."""
    for i in range(int(steps)):
        yield f"{PID} {i + 1}"
        time.sleep(0.25)


def echo(text: str) -> str:
    return f"{PID} {text}"


def build_demo() -> mountui.Blocks:
    with mountui.Blocks(title="Scale-out") as demo:
        steps, delay, text = mountui.Number(value=5), mountui.Number(value=0.2), mountui.Textbox()
        out, hold = mountui.Textbox(), mountui.Checkbox()
        mountui.Button("Slow").click(slow, [steps, delay], out, api_name="slow", concurrency_limit=None)
        mountui.Button("Exclusive").click(
            exclusive, [text, hold], out, api_name="exclusive", concurrency_limit=1
        )
        upload, produced, by = mountui.File(), mountui.File(), mountui.Textbox()
        mountui.Button("Shout").click(shout, upload, [produced, by], api_name="shout", concurrency_limit=None)
        mountui.Button("Retry").click(
            steps_with_pid,
            steps,
            out,
            api_name="work_retry",
            concurrency_limit=None,
            retry_on_worker_loss=True,
        )
        mountui.Button("Once").click(
            steps_with_pid,
            steps,
            out,
            api_name="work_once",
            concurrency_limit=None,
            retry_on_worker_loss=False,
        )
        mountui.Button("Echo").click(echo, text, out, api_name="echo", concurrency_limit=None)
        mountui.LogoutButton()
    return demo


def scale_settings() -> dict[str, object]:
    settings: dict[str, object] = {
        "auth": USERS,
        "secret_key": os.environ["SCALE_SECRET"],
        "file_dir": os.environ["SCALE_FILE_DIR"],
        "worker_lease": float(os.environ.get("SCALE_LEASE", "2")),
    }
    if "SCALE_REDIS_URL" in os.environ:  # otherwise MOUNTUI_STORE names it, as in a deployment's env file
        settings["store"] = os.environ["SCALE_REDIS_URL"]  # a URL: the library makes the RedisStore
    return settings


async def whoami(request: Request) -> JSONResponse:
    return JSONResponse({"pid": PID})


class WorkerHeader:
    """Pure ASGI middleware: ``X-Scale-Worker: <pid>`` on every response, streaming ones included."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_pid(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-scale-worker", str(PID).encode())]
            await send(message)

        await self.app(scope, receive, send_with_pid)


host = Starlette(routes=[Route("/whoami", whoami)])
mountui.mount_ui_app(host, build_demo(), "/ui", **scale_settings())
app = WorkerHeader(host)
