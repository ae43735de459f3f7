"""Relaying progress updates from a running function (any thread) to its event log, at a bounded rate.

A function may report progress thousands of times a second; the relay keeps only the latest update and
writes it at most every `interval` seconds, and never loses the last one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class ProgressRelay:
    def __init__(self, write: Callable[[dict[str, Any]], Awaitable[None]], interval: float = 0.05) -> None:
        self._write = write
        self._interval = interval
        self._loop = asyncio.get_running_loop()
        self._latest: dict[str, Any] | None = None
        self._scheduled = False
        self._last = 0.0
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()

    def report(self, update: dict[str, Any]) -> None:
        """Called by `mountui.Progress`, from the event loop or a worker thread."""
        self._latest = update
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon_threadsafe(self._schedule)

    def _schedule(self) -> None:
        delay = max(0.0, self._last + self._interval - self._loop.time())
        self._loop.call_later(delay, self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        update, self._latest = self._latest, None
        if update is None or self._closed:
            return
        self._last = self._loop.time()
        task = self._loop.create_task(self._write(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Write what is still pending, so the last update comes before the call's final event."""
        self._flush()
        self._closed = True
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
