"""In-process helpers: the app under httpx's ASGI transport (lifespan run), and its pipeline driven directly.

No server, no sockets, no sleeping: a test that waits for expiry turns the `clock` fixture instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from mountui.server.app import UIApp
from mountui.server.call_log import decoded
from mountui.server.jobs import Caller, Job

BASE_URL = "http://testserver"


@contextlib.asynccontextmanager
async def serving(app: UIApp, **client_options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """``async with serving(app) as client:``: requests go straight into the app; it starts and stops."""
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, **client_options) as client:
            yield client


def caller(
    username: str | None = None, tab_id: str | None = None, login_session_id: str | None = None
) -> Caller:
    return Caller(
        username=username, tab_id=tab_id, request=None, base_path="", login_session_id=login_session_id
    )


async def events_of(app: UIApp, job: Job, timeout: float = 5) -> list[tuple[str, dict[str, Any]]]:
    """Every event of a streamed call, to the end, as a browser reading its stream would see them."""
    events: list[tuple[str, dict[str, Any]]] = []
    while True:
        items, closed, _first = await app.store.log_read(job.event_id, len(events) - 1, timeout=timeout)
        events += [decoded(item) for item in items]
        if closed:
            return events
        assert items, f"no event within {timeout} s; so far {events}"


def names(events: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [name for name, _ in events]
