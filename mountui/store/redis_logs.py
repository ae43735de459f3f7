"""Waiting for new events of many calls' logs at once: one blocking XREAD per process, not one per reader.

Each open event stream that is waiting for its call's next event registers here. One task holds one
dedicated connection in `XREAD BLOCK` over every stream that has a waiter, and wakes a stream's waiters when
an entry comes. So a worker with 10,000 open streams uses one connection for them, not 10,000 (a pool runs
out long before). When a stream is added, the blocked XREAD is interrupted (`CLIENT UNBLOCK`, made for
this) and started again with it. Redis Cluster is not supported for this: the streams of one XREAD must
share a slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("mountui.store")

BLOCK_MS = 10_000  # one XREAD's longest wait; the loop starts another


def entry_order(entry_id: bytes) -> tuple[int, int]:
    first, _, second = entry_id.partition(b"-")
    return int(first), int(second or 0)


class _Watch:
    __slots__ = ("last_id", "waiters")

    def __init__(self, last_id: bytes) -> None:
        self.last_id = last_id
        self.waiters: list[asyncio.Future[None]] = []


def _wake(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class LogWatcher:
    def __init__(
        self,
        connect: Callable[[], Any],
        control: Any,
        connection_errors: tuple[type[BaseException], ...],
    ) -> None:
        self._connect = connect  # a client with one dedicated connection and no socket timeout
        self._control = control  # the store's pooled client, to interrupt the blocked XREAD
        self._connection_errors = connection_errors
        self._watches: dict[bytes, _Watch] = {}
        self._blocked_on: frozenset[bytes] = frozenset()
        self._client_id: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._wanted = asyncio.Event()
        self._interrupting = False
        self._helpers: set[asyncio.Task[None]] = set()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._helpers.add(task)
        task.add_done_callback(self._helpers.discard)

    async def wait(self, key: bytes, last_id: bytes, timeout: float) -> None:
        """Return once stream `key` has an entry after `last_id` (or may have: a wake is never missed,
        sometimes early), or after `timeout` s."""
        watch = self._watches.get(key)
        if watch is None:
            watch = self._watches[key] = _Watch(last_id)
        elif entry_order(last_id) < entry_order(watch.last_id):
            return  # the watcher has seen a newer entry than the caller's snapshot: read again now
        else:
            watch.last_id = last_id
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        watch.waiters.append(fut)
        timer = loop.call_later(timeout, _wake, fut)
        if self._task is None:
            self._task = loop.create_task(self._watch())
        self._wanted.set()
        if key not in self._blocked_on and not self._interrupting:
            self._interrupting = True
            self._spawn(self._interrupt(key))
        try:
            await fut
        finally:
            timer.cancel()
            if fut in watch.waiters:
                watch.waiters.remove(fut)
            if not watch.waiters and self._watches.get(key) is watch:
                del self._watches[key]

    async def _interrupt(self, key: bytes) -> None:
        """Restart the blocked XREAD so it includes `key` (retried while an XREAD is on its way)."""
        try:
            for _ in range(200):
                if key in self._blocked_on or key not in self._watches:
                    return
                if self._client_id is not None:
                    with contextlib.suppress(*self._connection_errors):
                        if await self._control.client_unblock(self._client_id):
                            return
                await asyncio.sleep(0.002)
        finally:
            self._interrupting = False
            missing = [k for k in self._watches if k not in self._blocked_on]
            if missing and self._task is not None:  # streams added meanwhile
                self._interrupting = True
                self._spawn(self._interrupt(missing[0]))

    async def _watch(self) -> None:
        self._connection: Any = None
        try:
            await self._loop()
        finally:
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    await self._connection.aclose()
                self._connection = None

    async def _loop(self) -> None:
        delay = 0.1
        while True:
            connection = self._connection
            if not self._watches:
                self._wanted.clear()
                await self._wanted.wait()
                continue
            try:
                if connection is None:
                    connection = self._connection = self._connect()
                    self._client_id = int(await connection.client_id())
                streams = {key: watch.last_id for key, watch in self._watches.items()}
                self._blocked_on = frozenset(streams)
                try:
                    answer = await connection.xread(streams, count=1, block=BLOCK_MS)
                finally:
                    self._blocked_on = frozenset()
                delay = 0.1
            except self._connection_errors as exc:
                logger.warning(
                    "mountui: waiting for call events in Redis failed (%s); again in %.1f s", exc, delay
                )
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.aclose()
                self._connection, self._client_id = None, None
                self._wake_all()  # each reader reads again and meets the outage itself
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            for key, entries in answer or ():
                watch = self._watches.get(key)
                if watch is not None and entries:
                    watch.last_id = entries[-1][0]
                    for fut in watch.waiters:
                        _wake(fut)

    def _wake_all(self) -> None:
        for watch in self._watches.values():
            for fut in watch.waiters:
                _wake(fut)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
