"""The event queue: per-endpoint concurrency limits and one bounded count of waiting calls.

Event-driven: a finishing call hands its slot straight to the next waiter; nothing polls.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

from mountui.errors import CallError


class ConcurrencyGate:
    """At most `limit` calls of one endpoint (or one shared `concurrency_id`) run at once."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.active = 0
        self.waiters: deque[asyncio.Future[None]] = deque()

    def try_enter(self) -> bool:
        if self.limit is None or (self.active < self.limit and not self.waiters):
            self.active += 1
            return True
        return False

    def leave(self) -> None:
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                fut.set_result(None)  # the slot passes on: `active` stays the same
                return
        self.active -= 1


class EventQueue:
    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.waiting = 0
        self.gates: dict[str, ConcurrencyGate] = {}

    def gate(self, key: str, limit: int | None) -> ConcurrencyGate:
        gate = self.gates.get(key)
        if gate is None:
            gate = self.gates[key] = ConcurrencyGate(limit)
        return gate

    def reserve(self, gate: ConcurrencyGate) -> asyncio.Future[None] | None:
        """Enter the gate now (None), or get a future that resolves when this call may start.

        Raises 503 when `max_size` calls already wait.
        """
        if gate.try_enter():
            return None
        if self.waiting >= self.max_size:
            raise CallError(
                503, "queue_full", f"the queue is full ({self.max_size} calls waiting); try again soon"
            )
        fut = asyncio.get_running_loop().create_future()
        gate.waiters.append(fut)
        self.waiting += 1
        fut.add_done_callback(self._done_waiting)
        return fut

    def _done_waiting(self, fut: asyncio.Future[None]) -> None:
        self.waiting -= 1

    @staticmethod
    def position(gate: ConcurrencyGate) -> int:
        return len(gate.waiters) - 1

    @staticmethod
    def abandon(gate: ConcurrencyGate, fut: asyncio.Future[None]) -> None:
        """A waiting call went away: drop its place; if it was already handed the slot, pass it on."""
        if fut.done() and not fut.cancelled():
            gate.leave()
        else:
            fut.cancel()
            with contextlib.suppress(ValueError):
                gate.waiters.remove(fut)
