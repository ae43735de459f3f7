"""The demo app and the deployments the proxy tests put behind nginx, and a reader for event streams."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import mountui
from mountui.http.urls import public_base_path, public_url

DOCS = Path(__file__).resolve().parents[2] / "docs"
NGINX_SNIPPET = DOCS / "deploy-nginx.conf"
DOCS_UPSTREAM = "http://127.0.0.1:8000/"
PREFIX = "/apps/demo"
# Requests carry this as the client's address, as if nginx had been reached from the internet: uvicorn's and
# mountui's handling of X-Forwarded-For then behave as in production, where the client is no trusted proxy.
REMOTE_CLIENT = "203.0.113.9"
USERS = [("alice", "wonderland-rabbit-hole")]
SECRET = "proxy-tests-secret-key-0123456789abcdef"


def nginx_snippet(upstream: str, *, tls: bool = False, forward_prefix: bool = True) -> str:
    """docs/deploy-nginx.conf with the test's upstream; `tls` stands in for nginx's TLS server block."""
    text = NGINX_SNIPPET.read_text()
    assert DOCS_UPSTREAM in text, "the documented nginx snippet no longer proxies to the documented upstream"
    text = text.replace(DOCS_UPSTREAM, upstream.rstrip("/") + "/")
    if tls:  # behind `listen 443 ssl`, $scheme is https
        text = text.replace("X-Forwarded-Proto $scheme", "X-Forwarded-Proto https")
    if not forward_prefix:  # the prefix comes from uvicorn's --root-path; a client's own must not pass
        text = text.replace(f"X-Forwarded-Prefix {PREFIX};", 'X-Forwarded-Prefix "";')
    return text


class StreamGate:
    """A generator function that yields once, then waits until the test releases it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished = threading.Event()

    def ticks(self) -> Iterator[str]:
        yield "tick 1"
        self.release.wait(30)
        self.finished.set()
        yield "tick 2"


def where(request: mountui.Request) -> dict[str, Any]:
    """What the server computes for this call: the OAuth redirect_uri, the app's path, the client."""
    scope = request.request.scope
    return {
        "redirect_uri": public_url(scope, "/oauth/callback"),
        "base_path": public_base_path(scope),
        "client": request.client.host if request.client else None,
        "scheme": request.url.scheme,
    }


def greet(name: str) -> str:
    return f"Hello, {name}!"


def report(name: str) -> bytes:
    return f"Report for {name}\n".encode()


def file_size(path: str | None) -> str:
    return "no file" if path is None else f"{os.path.getsize(path)} bytes"


def make_demo(gate: StreamGate | None = None) -> mountui.Blocks:
    gate = gate or StreamGate()
    with mountui.Blocks(title="Proxy demo") as demo:
        name = mountui.Textbox(label="Name")
        greeting = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(greet, name, greeting, api_name="greet")
        details = mountui.JSON(label="Where")
        mountui.Button("Where").click(where, None, details, api_name="where")
        report_file = mountui.File(label="Report")
        mountui.Button("Report").click(report, name, report_file, api_name="report")
        upload = mountui.File(label="Upload")  # an app with a file input takes uploads
        mountui.Button("Size").click(file_size, upload, greeting, api_name="size")
        ticks = mountui.Textbox(label="Ticks")
        mountui.Button("Stream").click(gate.ticks, None, ticks, api_name="stream")
    return demo


@dataclass
class Deployment:
    """One app behind nginx, as a browser on the internet would reach it."""

    proxy: str  # nginx, http://127.0.0.1:PORT
    base_path: str  # the app's public path, "/apps/demo/ui"
    tls: bool
    gate: StreamGate

    @property
    def url(self) -> str:
        """The app's page, as the browser opens it."""
        return f"{self.proxy}{self.base_path}/"

    @property
    def public_origin(self) -> str:
        """The origin the browser would see: https when nginx terminates TLS."""
        return self.proxy.replace("http://", "https://") if self.tls else self.proxy

    def client(self, **kwargs: Any) -> httpx.Client:
        kwargs["headers"] = {"X-Forwarded-For": REMOTE_CLIENT, **kwargs.get("headers", {})}
        kwargs.setdefault("timeout", 20)
        return httpx.Client(follow_redirects=False, **kwargs)

    def call(self, client: httpx.Client, endpoint: str, data: list[Any]) -> list[Any]:
        response = client.post(f"{self.url}api/{endpoint}", json={"data": data})
        assert response.status_code == 200, response.text
        return response.json()["data"]


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event name, data) for each event of a text/event-stream, and ("comment", text) for heartbeats."""
    name, data = "message", []
    for line in lines:
        if line.startswith(":"):
            yield "comment", line[1:].strip()
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and data:
            yield name, json.loads("\n".join(data))
            name, data = "message", []


def check_file_downloads_under_the_prefix(deployment: Deployment) -> None:
    """A file a function returns has a URL under the public prefix and downloads through the proxy."""
    with deployment.client() as client:
        [file] = deployment.call(client, "report", ["Ada"])
        assert file["url"].startswith(f"{deployment.base_path}/file/")
        download = client.get(deployment.proxy + file["url"])

    assert download.status_code == 200
    assert download.text == "Report for Ada\n"


def check_first_event_arrives_before_the_function_finishes(deployment: Deployment) -> None:
    """A streamed call's first output comes through the proxy, uncompressed, while the function still runs."""
    headers = {"Accept": "text/event-stream", "Accept-Encoding": "gzip, br"}
    with (
        deployment.client(timeout=httpx.Timeout(20, read=10)) as client,
        client.stream("POST", f"{deployment.url}api/stream", json={"data": []}, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in response.headers  # the proxy and a host's gzip leave streams alone
        events = sse_events(response.iter_lines())
        first = next(data for name, data in events if name == "output")
        # The function is still waiting: the first event came through the proxy while the call runs.
        assert not deployment.gate.finished.is_set()
        deployment.gate.release.set()
        rest = [(name, data) for name, data in events if name != "comment"]

    assert first["data"] == ["tick 1"]
    assert rest[-1] == ("complete", {"data": ["tick 2"]})
