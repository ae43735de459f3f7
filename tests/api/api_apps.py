"""The apps the API tests serve, and a TCP proxy that drops one connection mid-stream.

A module of its own (not conftest.py), so that test files import it by a name no other test folder uses.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request

import mountui

SECRET_KEY = "api-tests-secret-key-0123456789abcdefghijklmnop"
PASSWORD = ("alice", "wonderland-42")
TOKENS = {"tok-alice": "alice", "tok-bob": "bob"}


def make_demo(title: str = "Demo API", *, crash: bool = True) -> mountui.Blocks:
    """One endpoint of each kind a user meets: plain, several outputs, streaming, files, errors, slow.

    `crash=False` leaves out the endpoint that always fails (its snippets cannot succeed).
    """

    def greet(name: str, times: float = 1) -> str:
        """Greet someone, once or several times."""
        return " ".join([f"Hello {name}!"] * int(times or 1))

    def stats(text: str) -> tuple[int, bool, str]:
        """Count the words of a text."""
        return len(text.split()), not text.strip(), text.upper()

    def count(n: float, progress: mountui.Progress = mountui.Progress()) -> Iterator[list[int]]:
        """Count up to n, one number at a time."""
        for i in range(1, int(n) + 1):
            progress((i, int(n)), desc="counting")
            time.sleep(0.05)
            yield list(range(1, i + 1))

    def slow(seconds: float) -> Iterator[str]:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(0.05)
            yield "working"
        yield "done"

    def shout(text: str) -> str:
        if not text.strip():
            raise mountui.Error("there is nothing to shout")
        return text.upper()

    def crashing(text: str) -> str:
        raise RuntimeError("the function broke")

    def reverse_file(path: str) -> str:
        """Reverse a text file."""
        content = Path(path).read_bytes()[::-1]
        out = Path(tempfile.mkdtemp(prefix="api-test-")) / ("reversed-" + Path(path).name)
        out.write_bytes(content)
        return str(out)

    def sizes(paths: list[str]) -> dict[str, int]:
        return {Path(p).name: Path(p).stat().st_size for p in paths}

    def whoami(request: mountui.Request) -> str:
        return request.username or "nobody"

    with mountui.Blocks(title=title) as demo:
        name = mountui.Textbox(label="Name")
        times = mountui.Number(value=1, label="Times")
        text = mountui.Textbox(label="Text", lines=3)
        out = mountui.Textbox(label="Greeting")
        words = mountui.Number(label="Words")
        empty = mountui.Checkbox(label="Empty")
        upper = mountui.Textbox(label="Upper case")
        n = mountui.Slider(1, 5, value=3, step=1, label="Up to")
        numbers = mountui.JSON(label="Numbers")
        seconds = mountui.Number(value=0.3, label="Seconds")
        status = mountui.Textbox(label="Status")
        file_in = mountui.File(label="Text file")
        file_out = mountui.File(label="Reversed")
        files_in = mountui.File(label="Files", file_count="multiple")
        table = mountui.JSON(label="Sizes")
        user = mountui.Textbox(label="User")
        button = mountui.Button("Go")
        button.click(greet, [name, times], out, api_name="greet")
        button.click(stats, text, [words, empty, upper], api_name="stats")
        button.click(count, n, numbers, api_name="count")
        button.click(slow, seconds, status, api_name="slow", concurrency_limit=1)
        button.click(shout, text, upper, api_name="shout")
        if crash:
            button.click(crashing, text, upper, api_name="crash")
        button.click(reverse_file, file_in, file_out, api_name="reverse_file")
        button.click(sizes, files_in, table, api_name="sizes")
        button.click(whoami, None, user, api_name="whoami")
        button.click(lambda s: s, name, out, api_name=False)
    return demo


def mounted_host(demo: mountui.Blocks, **settings: Any) -> FastAPI:
    """A FastAPI service with its own route and the demo under /ui."""
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "fine"}

    return mountui.mount_ui_app(app, demo, path="/ui", **settings)


def bearer_user(request: Request) -> str | None:
    """The host's own sign-in: a bearer token in the Authorization header."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return TOKENS.get(token) if scheme.lower() == "bearer" else None


# --- a proxy that breaks one stream ---------------------------------------------------------------------


class DroppingProxy:
    """Forwards TCP to `upstream`; the first response carrying `marker` is cut right after it."""

    def __init__(self, upstream: tuple[str, int], marker: bytes) -> None:
        self.upstream = upstream
        self.marker = marker
        self.dropped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, downstream: bool) -> None:
        seen = b""
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
                if downstream and not self.dropped.is_set():
                    seen = (seen + chunk)[-4096:]
                    if self.marker in seen:
                        self.dropped.set()
                        break
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self) -> None:
        self._stop = True
        self.listener.close()
