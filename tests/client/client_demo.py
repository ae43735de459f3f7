"""The client tests' demo, served in-process through httpx's ASGI transport: no server, no port."""

from __future__ import annotations

import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

import mountui
from mountui.server.app import build_app

BASE = "http://testserver/"


def make_demo() -> mountui.Blocks:
    """One endpoint of each kind: plain, several outputs, streaming with progress, files, refusals."""

    def greet(name: str) -> str:
        return f"Hello {name}!"

    def stats(text: str) -> tuple[int, str]:
        return len(text.split()), text.upper()

    def count(n: float, progress: mountui.Progress = mountui.Progress()) -> Iterator[list[int]]:
        for i in range(1, int(n) + 1):
            progress((i, int(n)), desc="counting")
            yield list(range(1, i + 1))

    def shout(text: str) -> str:
        if not text.strip():
            raise mountui.Error("there is nothing to shout")
        return text.upper()

    def crash(text: str) -> str:
        raise RuntimeError("the function broke")

    def reverse_file(path: str) -> str:
        out = Path(tempfile.mkdtemp(prefix="client-test-")) / ("reversed-" + Path(path).name)
        out.write_bytes(Path(path).read_bytes()[::-1])
        return str(out)

    def slow(seconds: float) -> str:
        time.sleep(seconds)
        return "done"

    with mountui.Blocks(title="Client demo") as demo:
        text, number = mountui.Textbox(label="Text"), mountui.Number(value=3, label="N")
        out, words = mountui.Textbox(label="Out"), mountui.Number(label="Words")
        numbers = mountui.JSON(label="Numbers")
        file_in, file_out = mountui.File(label="In"), mountui.File(label="Out file")
        button = mountui.Button("Go")
        button.click(greet, text, out, api_name="greet")
        button.click(stats, text, [words, out], api_name="stats")
        button.click(count, number, numbers, api_name="count")
        button.click(shout, text, out, api_name="shout")
        button.click(crash, text, out, api_name="crash")
        button.click(reverse_file, file_in, file_out, api_name="reverse_file")
        button.click(slow, number, out, api_name="slow")
    return demo


@asynccontextmanager
async def asgi_client(app: Any = None, **options: Any) -> AsyncIterator[mountui.AsyncClient]:
    """An AsyncClient talking to `app` (default: the demo) in-process, with the app's lifespan running."""
    app = app if app is not None else build_app(make_demo())
    async with app.lifespan():
        async with mountui.AsyncClient(BASE, transport=httpx.ASGITransport(app=app), **options) as client:
            yield client
