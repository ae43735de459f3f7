"""The app of bench/scale.py, for ``uvicorn --workers N _scale_app:app`` (run from bench/).

Environment: ``SCALE_BENCH_STORE`` = ``memory`` or a Redis URL (the store every worker shares);
``SCALE_BENCH_FN`` = ``sync`` (``greet`` answers at once) or ``block`` (``greet`` waits until the file
``SCALE_BENCH_RELEASE`` exists: it holds calls in the queue); ``SCALE_BENCH_LIMIT`` = ``default`` or ``none``
(the endpoint's concurrency limit). Mounted at /ui in a plain Starlette host: POST /ui/api/greet.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from starlette.applications import Starlette

sys.path.insert(0, os.environ.get("MOUNTUI_BENCH_SRC") or str(Path(__file__).resolve().parent.parent))

import mountui

SECRET = "bench-scale-secret-key-0123456789-abcdefghijklmnop"
RELEASE = Path(os.environ.get("SCALE_BENCH_RELEASE", "/nonexistent/release"))


def greet(name: str) -> str:
    return "Hello " + name + "!"


async def block(name: str) -> str:
    while not RELEASE.exists():
        await asyncio.sleep(0.05)
    return "Hello " + name + "!"


def build() -> Starlette:
    fn = block if os.environ.get("SCALE_BENCH_FN") == "block" else greet
    limit = None if os.environ.get("SCALE_BENCH_LIMIT") == "none" else "default"
    with mountui.Blocks() as demo:
        name, out = mountui.Textbox(), mountui.Textbox()
        mountui.Button().click(fn, name, out, api_name="greet", concurrency_limit=limit)
    store = os.environ.get("SCALE_BENCH_STORE", "memory")
    settings: dict[str, object] = {"secret_key": SECRET}
    if store != "memory":
        settings["store"] = store
    host = Starlette()
    mountui.mount_ui_app(host, demo, "/ui", **settings)
    return host


app = build()
