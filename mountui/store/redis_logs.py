"""Readers waiting for their call's next event, woken by a pub/sub message rather than each blocking a
connection.

Appending to a call's log (and closing it) publishes the log's id on the store's `log` channel, in the same
Lua script as the `XADD`. A reader that finds nothing new arms a future here first, then reads the log, then
waits on the future: an entry added after it armed wakes it, one added before it is in what it read. So a worker
with 10,000 open streams waits on one pub/sub connection, at a cost of one small message per event; no reader
holds a connection while it waits, and none blocks longer than the socket allows. Pub/sub is at most once:
when the listener (re)subscribes, every waiter is woken to read again, and a reader never waits past its
heartbeat anyway.
"""

from __future__ import annotations

import asyncio

from mountui.store.wake_timer import WakeTimer, wake

CHANNEL = "log"


class LogWaiters:
    def __init__(self) -> None:
        self._waiting: dict[str, list[asyncio.Future[None]]] = {}
        self._timeouts = WakeTimer()  # one loop timer per time slot, not one per waiting reader

    def arm(self, log_id: str) -> asyncio.Future[None]:
        fut = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(log_id, []).append(fut)
        return fut

    def disarm(self, log_id: str, fut: asyncio.Future[None]) -> None:
        waiters = self._waiting.get(log_id)
        if waiters is not None and fut in waiters:
            waiters.remove(fut)
            if not waiters:
                del self._waiting[log_id]

    async def wait(self, fut: asyncio.Future[None], timeout: float) -> None:
        slot = self._timeouts.wake_after(fut, timeout)
        try:
            await fut
        finally:
            slot.discard(fut)

    def on_message(self, log_id: object) -> None:
        for fut in self._waiting.get(str(log_id), ()):
            wake(fut)

    def wake_all(self) -> None:
        for waiters in self._waiting.values():
            for fut in waiters:
                wake(fut)
