"""The default store: everything in this process's memory, expiry without background timers."""

from __future__ import annotations

import asyncio
import heapq
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from mountui.store.base import LogRead, Store
from mountui.store.queue import LocalQueue, Queue
from mountui.store.wake_timer import WakeTimer


class _Log:
    """A log still written to (closing turns it into a `_ClosedLog`)."""

    __slots__ = ("base", "items", "waiters")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.base = 0  # the index of items[0]: older items were let go (`keep`)
        self.waiters: list[asyncio.Future[None]] | None = None  # made when a reader first waits

    def wake(self) -> None:
        waiters, self.waiters = self.waiters, None
        for fut in waiters or ():
            if not fut.done():
                fut.set_result(None)


# A log kept after its call ended, until its deadline: (items, base, deadline). A plain tuple of strings and
# numbers (the events as the pipeline logs them: name and JSON text) is nothing the garbage collector walks,
# however many finished calls are kept.
_ClosedLog = tuple[tuple[Any, ...], int, float]


class _Window:
    """The times of the last `limit` hits of one rate-limit window, newest last."""

    __slots__ = ("deadline", "hits")

    def __init__(self, limit: int) -> None:
        self.hits: deque[float] = deque(maxlen=limit)
        self.deadline = 0.0  # when the newest hit leaves the window: the record is useless after that


class MemoryStore(Store):
    """`clock` (seconds, monotonic by default) decides expiry; tests pass one they can turn."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._values: dict[str, tuple[Any, float | None]] = {}
        self._expiries: list[tuple[float, str]] = []  # heap of (deadline, key), checked on writes
        self._logs: dict[str, _Log] = {}  # open logs
        self._timeouts = WakeTimer()  # the timeouts of waiting readers
        self._closed_logs: dict[str, _ClosedLog] = {}
        self._writers: dict[str, str] = {}  # the writer a log was claimed for (`log_append(claim=True)`)
        self._log_expiries: list[tuple[float, str]] = []  # heap of (deadline, log id), checked on writes
        self._subscribers: dict[str, list[Callable[[Any], None]]] = {}
        self._windows: dict[str, _Window] = {}
        self._window_expiries: list[tuple[float, str]] = []  # heap of (deadline, window key): one per key

    def _sweep(self, now: float) -> None:
        while self._expiries and self._expiries[0][0] <= now:
            _deadline, key = heapq.heappop(self._expiries)
            entry = self._values.get(key)
            if entry is not None and entry[1] is not None and entry[1] <= now:
                del self._values[key]

    def _live(self, key: str) -> tuple[Any, float | None] | None:
        entry = self._values.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= self.clock():
            del self._values[key]
            return None
        return entry

    def _put(self, key: str, value: Any, ttl: float | None) -> None:
        now = self.clock()
        self._sweep(now)
        deadline = None if ttl is None else now + ttl
        self._values[key] = (value, deadline)
        if deadline is not None:
            heapq.heappush(self._expiries, (deadline, key))

    async def get(self, key: str) -> Any | None:
        entry = self._live(key)
        return None if entry is None else entry[0]

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._put(key, value, ttl)

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    async def incr(self, key: str, ttl: float) -> int:
        entry = self._live(key)
        if entry is None:
            self._put(key, 1, ttl)
            return 1
        count = entry[0] + 1
        self._values[key] = (count, entry[1])
        return count

    def _sweep_windows(self, now: float) -> None:
        heap = self._window_expiries
        while heap and heap[0][0] <= now:
            _deadline, key = heapq.heappop(heap)
            window = self._windows.get(key)
            if window is None:
                continue
            if window.deadline <= now:
                del self._windows[key]
            else:  # hit again since: look at it again when its newest hit leaves the window
                heapq.heappush(heap, (window.deadline, key))

    async def hit_windows(self, key: str, windows: Sequence[tuple[str, int, float]]) -> float:
        now = self.clock()
        self._sweep_windows(now)
        found: list[tuple[str, _Window | None, int, float]] = []
        wait = 0.0
        for name, limit, seconds in windows:
            window_key = f"{key}|{name}|{limit}/{seconds!r}"
            window = self._windows.get(window_key)
            # Full when it holds `limit` hits: the oldest of them decides when the next one fits.
            if window is not None and len(window.hits) == limit:
                wait = max(wait, window.hits[0] + seconds - now)
            found.append((window_key, window, limit, seconds))
        if wait > 0:
            return wait
        for window_key, window, limit, seconds in found:
            if window is None:
                window = self._windows[window_key] = _Window(limit)
                heapq.heappush(self._window_expiries, (now + seconds, window_key))
            window.hits.append(now)
            window.deadline = now + seconds
        return 0.0

    async def set_add(self, key: str, member: str, ttl: float | None = None) -> None:
        entry = self._live(key)
        if entry is None:
            self._put(key, {member}, ttl)
            return
        entry[0].add(member)
        # A later member keeps the set alive at least as long as itself (the expiry grows, never shrinks).
        if ttl is not None and entry[1] is not None and entry[1] < self.clock() + ttl:
            self._put(key, entry[0], ttl)

    async def set_remove(self, key: str, member: str) -> None:
        entry = self._live(key)
        if entry is not None:
            entry[0].discard(member)

    async def set_members(self, key: str) -> set[str]:
        entry = self._live(key)
        return set() if entry is None else set(entry[0])

    async def log_append(
        self, log_id: str, item: Any, keep: int | None = None, writer: str | None = None, claim: bool = False
    ) -> int:
        if writer is not None:
            if claim:
                self._writers[log_id] = writer
            elif self._writers.get(log_id, writer) != writer:
                return -1
        log = self._logs.get(log_id)
        if log is None:
            closed = self._closed_logs.get(log_id)
            if closed is not None:  # it stays closed (the last word of a worker that took the call over)
                items, base = (*closed[0], item), closed[1]
                if keep is not None and len(items) > keep:
                    base, items = base + len(items) - keep, items[-keep:]
                self._closed_logs[log_id] = (items, base, closed[2])
                return base + len(items) - 1
            log = self._logs[log_id] = _Log()
        log.items.append(item)
        if keep is not None and len(log.items) > keep:
            drop = len(log.items) - keep
            del log.items[:drop]
            log.base += drop
        if log.waiters:
            log.wake()
        return log.base + len(log.items) - 1

    async def log_close(self, log_id: str, retention: float) -> None:
        now = self.clock()
        while self._log_expiries and self._log_expiries[0][0] <= now:
            _deadline, expired = heapq.heappop(self._log_expiries)
            kept = self._closed_logs.get(expired)
            if kept is not None and kept[2] <= now:
                del self._closed_logs[expired]
                self._writers.pop(expired, None)
        log = self._logs.pop(log_id, None)
        if log is not None:
            items, base = tuple(log.items), log.base
        elif (kept := self._closed_logs.get(log_id)) is not None:
            items, base = kept[0], kept[1]
        else:
            return
        deadline = now + retention
        heapq.heappush(self._log_expiries, (deadline, log_id))
        self._closed_logs[log_id] = (items, base, deadline)
        if log is not None:
            log.wake()

    async def log_read(self, log_id: str, after: int, timeout: float) -> LogRead:
        log = self._logs.get(log_id)
        if log is not None and timeout > 0 and log.base + len(log.items) <= after + 1:
            loop = asyncio.get_running_loop()
            fut = loop.create_future()
            if log.waiters is None:
                log.waiters = []
            log.waiters.append(fut)
            # No timer of its own, no wrapper future or task: this wait is held by every open, idle stream.
            slot = self._timeouts.wake_after(fut, timeout)
            try:
                await fut
            finally:
                slot.discard(fut)
                if log.waiters and fut in log.waiters:
                    log.waiters.remove(fut)
            log = self._logs.get(log_id)  # or it has been closed meanwhile
        if log is not None:
            items, base, closed = log.items, log.base, False
        else:
            kept = self._closed_logs.get(log_id)
            if kept is None or kept[2] <= self.clock():
                return LogRead([], True, after + 1)
            items, base, closed = kept[0], kept[1], True
        start = max(after + 1 - base, 0)
        found = list(items[start:])
        return LogRead(found, closed, base + start if found else after + 1)

    # --- signals: this process is the only worker ---
    async def publish(self, channel: str, message: Any) -> None:
        for handler in list(self._subscribers.get(channel, ())):
            handler(message)

    def subscribe(self, channel: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        handlers = self._subscribers.setdefault(channel, [])
        handlers.append(handler)

        def unsubscribe() -> None:
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    def queue(self, max_waiting: int, lease: float) -> Queue:
        return LocalQueue(max_waiting)
