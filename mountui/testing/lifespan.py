"""Running an ASGI app's lifespan (startup, then shutdown) in-process, as a server would, per the ASGI spec.

httpx's `ASGITransport` sends requests only; a host app's own lifespan (its database pool, a mounted UI's
queue) must be started around them. `with_lifespan_state` hands the state the lifespan set to each request,
as servers do (`request.state` in Starlette).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from mountui.testing.errors import UITestError

ASGIApp = Any


@contextlib.asynccontextmanager
async def lifespan(app: ASGIApp, timeout: float = 30.0) -> AsyncIterator[dict[str, Any]]:
    """Start the app's lifespan, yield its state, shut it down. An app without lifespan support (it raises
    on the lifespan scope before answering) is used as it is, like uvicorn's `lifespan="auto"`.
    """
    state: dict[str, Any] = {}
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}

    async def run() -> None:
        await app(scope, inbox.get, outbox.put)

    task = asyncio.create_task(run())
    try:
        supported = await _step(task, inbox, outbox, "startup", timeout)
        try:
            yield state
        finally:
            if supported and not task.done():
                await _step(task, inbox, outbox, "shutdown", timeout)
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task  # its outcome was reported (startup or shutdown failed) or does not matter


async def _step(
    task: asyncio.Task[None],
    inbox: asyncio.Queue[dict[str, Any]],
    outbox: asyncio.Queue[dict[str, Any]],
    phase: str,
    timeout: float,
) -> bool:
    """Send `lifespan.<phase>` and wait for the answer; False if the app does not speak lifespan."""
    await inbox.put({"type": f"lifespan.{phase}"})
    answer = asyncio.ensure_future(outbox.get())
    done, _ = await asyncio.wait({answer, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if answer not in done:
        answer.cancel()
        if task in done:
            return False  # the app ended without answering: it does not speak lifespan
        raise UITestError(f"the app's lifespan {phase} did not finish within {timeout:g} s")
    message = answer.result()
    if message["type"] == f"lifespan.{phase}.failed":
        raise UITestError(f"the app's lifespan {phase} failed: {message.get('message', '')}")
    return True


def with_lifespan_state(app: ASGIApp, state: dict[str, Any]) -> ASGIApp:
    """The app, its requests given a copy of the lifespan state (httpx's transport sends none)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and "state" not in scope:
            scope = {**scope, "state": dict(state)}
        await app(scope, receive, send)

    return wrapped
