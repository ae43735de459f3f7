"""Shared by the MCP tests: an app whose endpoints cover what tools can do, and the Python SDK's client."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import struct
import tempfile
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

import httpx
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from support.oidc import ACCOUNTS

import mountui

SECRET = "mcp-tests-secret-key-that-is-long-enough-0123456789"
USERS = [("alice", "wonderland-42")]


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG (red pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Waiter:
    """A function that runs until cancelled, and tells the test when it started and when it was stopped."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()

    async def wait_forever(self) -> str:
        """Wait until cancelled."""
        self.started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            self.stopped.set()
        return "never"


def greet(name: str, request: mountui.Request) -> str:
    """Greet someone by name.

    The greeting names who is signed in, too.

    Args:
        name (str): who to greet, such as
            "Ada".

    Returns:
        The greeting.
    """
    return f"Hello, {name}! (signed in: {request.username})"


def count(upto: float):
    """Count up to a number, one partial result at a time.

    Parameters
    ----------
    upto : float
        the last number to count
    """
    for i in range(1, int(upto) + 1):
        yield str(i)
        time.sleep(0.05)


def steps(n: float, progress: mountui.Progress = mountui.Progress()) -> str:
    """Work through n steps, reporting progress."""
    for _ in progress.tqdm(range(int(n)), desc="working"):
        time.sleep(0.05)
    return f"{int(n)} steps done"


def draw() -> bytes:
    """Draw a small red picture."""
    return png()


def write_report(title: str) -> str:
    """Write a report file."""
    path = Path(tempfile.mkdtemp()) / "report.txt"
    path.write_text(f"Report: {title}\n")
    return str(path)


def size_of(path: str | None) -> str:
    """Measure a file."""
    return "no file" if path is None else f"{Path(path).name}: {Path(path).stat().st_size} bytes"


def add(a: int, b: float = 0.5, unit: Literal["m", "km"] = "m") -> str:
    """Add two numbers.

    Args:
        a: the first number
        b: the second number
        unit: the unit of both
    """
    return f"{a + b} {unit}"


def tool_demo(waiter: Waiter | None = None) -> mountui.Blocks:
    """A UI with one endpoint per kind of tool result, a hidden event, and a function with no UI."""
    waiter = waiter or Waiter()
    with mountui.Blocks(title="Tool shop") as demo:
        name = mountui.Textbox(label="Name")
        text = mountui.Textbox(label="Answer")
        number = mountui.Number(label="N", value=3)
        picture = mountui.Image(label="Picture")
        report = mountui.File(label="Report")
        upload = mountui.File(label="Upload")
        mountui.Button("Greet").click(greet, name, text, api_name="greet")
        mountui.Button("Count").click(count, number, text, api_name="count")
        mountui.Button("Steps").click(steps, number, text, api_name="steps")
        mountui.Button("Draw").click(draw, None, picture, api_name="draw")
        mountui.Button("Report").click(
            write_report, name, report, api_name="report", api_description="Write a one-line report."
        )
        mountui.Button("Size").click(size_of, upload, text, api_name="size")
        mountui.Button("Wait").click(waiter.wait_forever, None, text, api_name="wait")
        mountui.Button("Secret").click(lambda: "hidden", None, text, api_name=False)
        demo.api(add)

        @demo.mcp_resource("notes://today", mime_type="text/plain")
        def today() -> str:
            """Today's note."""
            return "Water the plants."

        @demo.mcp_resource("notes://by-name/{name}")
        def note(name: str) -> str:
            """A note by name."""
            return f"Note {name}"

        @demo.mcp_prompt()
        def review(code: str, language: str = "Python") -> str:
            """Ask for a code review."""
            return f"Review this {language} code:\n{code}"

    return demo


@contextlib.asynccontextmanager
async def mcp_client(url: str, headers: dict[str, str] | None = None) -> AsyncIterator[Client]:
    """The `mcp` SDK's Streamable HTTP client connected to `url` (an app's `.../mcp`)."""
    http = create_mcp_http_client(headers=headers)
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        yield client


async def refusal(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    """Connect the `mcp` SDK's client without (valid) credentials: the HTTP status and headers it got."""
    answers: list[Any] = []

    async def keep(response: Any) -> None:
        answers.append(response)

    http = create_mcp_http_client(headers=headers)
    http.event_hooks["response"].append(keep)
    let_in = False
    with contextlib.suppress(Exception):
        async with http, Client(streamable_http_client(url, http_client=http)) as client:
            await client.list_tools()
            let_in = True
    assert not let_in, "the MCP client was let in"
    assert answers, "the MCP client sent nothing"
    return answers[0].status_code, dict(answers[0].headers)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@contextlib.contextmanager
def no_exception_groups() -> Iterator[None]:
    """Let the first real error of an anyio task group through, so pytest shows what failed."""
    try:
        yield
    except BaseExceptionGroup as group:
        first = group.exceptions[0]
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from group


def _form_action(page: Any, action: str) -> str:
    match = re.search(rf'action="([^"]*/{action})"', page.text)
    assert match, f"no form ending in {action!r} on the page:\n{page.text[:500]}"
    return urljoin(str(page.url), match.group(1))


def oauth_access_token(app_url: str, login: str) -> str:
    """Sign in to the app at the OpenID provider as a browser does; the access token the app then holds
    (read through the app's `token` endpoint), which an MCP client can send as a bearer token."""
    with httpx.Client(timeout=20) as browser:
        start = browser.get(f"{app_url}/oauth/login")
        assert start.status_code == 302, start.text
        login_page = browser.get(start.headers["location"], follow_redirects=True)
        password = ACCOUNTS[login]["password"]
        consent = browser.post(
            _form_action(login_page, "login"),
            data={"login": login, "password": password},
            follow_redirects=True,
        )
        answer = browser.post(_form_action(consent, "confirm"))
        while answer.status_code in (302, 303) and not answer.headers["location"].startswith(app_url):
            answer = browser.get(urljoin(str(answer.url), answer.headers["location"]))
        assert browser.get(answer.headers["location"]).status_code == 303
        token = browser.post(f"{app_url}/api/token", json={"data": []})
        assert token.status_code == 200, token.text
        return token.json()["data"][0]


def token_of(token: mountui.OAuthToken | None) -> str:
    return token.token if token else ""


def oauth_demo() -> mountui.Blocks:
    with mountui.Blocks(title="Members") as demo:
        text = mountui.Textbox()
        name = mountui.Textbox(label="Name")
        mountui.Button("Greet").click(greet, name, text, api_name="greet")
        mountui.Button("Token").click(token_of, None, text, api_name="token", concurrency_limit=None)
    return demo
