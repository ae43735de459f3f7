"""A share server and shared apps on loopback for the share tests; host names reach them through `Host`.

The relay serves links at ``http://<id>.share.test:<port>/`` (or ``http://share.test:<port>/s/<id>/``);
`Visitor` sends requests for such a URL to 127.0.0.1:<port> with the URL's host in the `Host` header, and the
browser fixture maps the names to 127.0.0.1 with Chromium's --host-resolver-rules.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn
from support.ports import LOOPBACK

import mountui
from mountui.share.relay import RelayConfig, ShareRelay

DOMAIN = "share.test"
TOKEN = "share-test-token-0123456789abcdef"
SECRET = "share-test-secret-key-that-is-long-enough-0123456789"
HOST_RESOLVER_RULES = (
    f"MAP *.{DOMAIN} {LOOPBACK}, MAP {DOMAIN} {LOOPBACK}, MAP * ~NOTFOUND, EXCLUDE localhost"
)


class RelayServer:
    """`mountui share-server` in a thread, on a port that survives `restart()` (a new relay, same port)."""

    def __init__(self, clock: Callable[[], float] = time.time, **config: Any) -> None:
        with socket.socket() as probe:
            probe.bind((LOOPBACK, 0))
            self.port = probe.getsockname()[1]
        options = {
            "domain": DOMAIN,
            "token": TOKEN,
            "scheme": "http",
            "public_port": self.port,
            "sweep_interval": 0.1,
        }
        self.config = RelayConfig(**{**options, **config})
        self.clock = clock
        self.relay: ShareRelay | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> RelayServer:
        self.relay = ShareRelay(self.config, clock=self.clock)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, self.port))
        config = uvicorn.Config(
            self.relay,
            ws="websockets-sansio",
            log_level="warning",
            log_config=None,
            access_log=False,
            proxy_headers=False,
            timeout_graceful_shutdown=1,
        )
        self._server = server = uvicorn.Server(config)
        self._thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline and self._thread.is_alive(), "the relay did not start"
            time.sleep(0.01)
        self._socket = sock
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(5)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(5)
            self._socket.close()
        self._server = self._thread = None

    def restart(self) -> None:
        self.stop()
        self.start()


class Visitor(httpx.Client):
    """An HTTP client for a share link: requests go to the relay's port, the link's host in `Host`."""

    def __init__(self, link: str, **kwargs: Any) -> None:
        parts = urlsplit(link)
        parts = parts._replace(
            scheme="http"
        )  # an https link's TLS would end in a proxy in front of the relay
        self.link_path = parts.path.rstrip("/")
        super().__init__(
            base_url=f"http://{LOOPBACK}:{parts.port}{self.link_path}",
            headers={"Host": parts.netloc},
            timeout=20,
            **kwargs,
        )


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def greet(name: str) -> str:
    return f"Hello, {name}!"


async def count(upto: float):
    for i in range(1, int(upto) + 1):
        yield " ".join(str(n) for n in range(1, i + 1))
        await asyncio.sleep(0.25)


async def tick(times: float):
    for i in range(int(times)):
        yield f"tick {i}"
        await asyncio.sleep(0.05)


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def made_bytes(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def make_file(size: float) -> str:
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as file:
        file.write(made_bytes(int(size)))
    return file.name


def shared_demo() -> mountui.Blocks:
    with mountui.Blocks(title="Shared demo") as demo:
        name = mountui.Textbox(label="Name")
        greeting = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(greet, name, greeting, api_name="greet")
        upto = mountui.Number(label="Count to", value=3)
        counted = mountui.Textbox(label="Counted")
        mountui.Button("Count").click(count, upto, counted, api_name="count")
        mountui.Button("Tick").click(tick, upto, counted, api_name="tick", concurrency_limit=None)
        upload = mountui.File(label="Upload")
        checksum = mountui.Textbox(label="Checksum")
        mountui.Button("Checksum").click(digest, upload, checksum, api_name="digest")
        made = mountui.File(label="Made")
        mountui.Button("Make").click(make_file, upto, made, api_name="make_file")
    return demo
