"""Helpers of the rate-limit and metrics tests: a small app, and requests from a chosen client address."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

import mountui
from mountui.server.app import UIApp
from mountui.server.jobs import Caller

BASE_URL = "http://testserver"


def echo_app(**listener: Any) -> mountui.Blocks:
    """Two endpoints: `echo` (with `listener` options such as rate_limit=) and `shout` (none)."""
    with mountui.Blocks() as demo:
        text = mountui.Textbox()
        out = mountui.Textbox()
        mountui.Button("Echo").click(lambda s: s, text, out, api_name="echo", **listener)
        mountui.Button("Shout").click(lambda s: s.upper(), text, out, api_name="shout")
    return demo


@contextlib.asynccontextmanager
async def serving_from(app: UIApp, address: str = "203.0.113.7") -> AsyncIterator[httpx.AsyncClient]:
    """Requests from the TCP peer `address` (a browser on the internet, or a proxy in front of the app)."""
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


async def call(client: httpx.AsyncClient, endpoint: str = "echo", **headers: str) -> httpx.Response:
    """POST a call; header names are written as keywords (x_user="ada" sends X-User: ada)."""
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    return await client.post(f"/api/{endpoint}", json={"data": ["hi"]}, headers=sent)


async def statuses(
    client: httpx.AsyncClient, count: int, endpoint: str = "echo", **headers: str
) -> list[int]:
    return [(await call(client, endpoint, **headers)).status_code for _ in range(count)]


def caller(username: str | None = None) -> Caller:
    """A caller as the pipeline sees it, for calls started without HTTP (as the MCP tool layer does)."""
    return Caller(username=username, tab_id=None, request=None, base_path="")
