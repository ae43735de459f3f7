"""The call queue: per-gate concurrency limits and one bounded count of waiting calls.

A gate is an endpoint (or a shared `concurrency_id`): at most `limit` of its calls run at once, the others
wait in line, first come first served. `LocalQueue` holds one process's gates in memory; `RedisQueue`
(store/redis_queue.py) holds them for every worker of a Redis store. Both are event-driven: a finishing call
hands its slot on at once; nothing polls while calls wait (the Redis queue renews leases, see there).
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable

from mountui.errors import CallError

# Called with the id of a call: `on_lost` when this worker's claim on it was given up by the cluster (its
# lease ran out, another worker took over); `on_reaped` (id, was_running) when this worker took over the
# claim of a worker that is gone.
LostCallback = Callable[[str], None]
ReapedCallback = Callable[[str, bool], None]


class Ticket:
    """One call's place: running (`wait` is None) or in line (`wait` resolves when it may run)."""

    __slots__ = ("gate", "holder", "limit", "position", "wait")

    def __init__(
        self,
        gate: str,
        holder: str,
        wait: asyncio.Future[None] | None,
        position: int,
        limit: int | None = None,
    ) -> None:
        self.gate, self.holder, self.wait, self.position, self.limit = gate, holder, wait, position, limit


def queue_full(max_waiting: int) -> CallError:
    return CallError(503, "queue_full", f"the queue is full ({max_waiting} calls waiting); try again soon")


class Queue(ABC):
    on_lost: LostCallback | None = None
    on_reaped: ReapedCallback | None = None

    @abstractmethod
    async def reserve(self, gate: str, limit: int | None, holder: str) -> Ticket:
        """A slot now, or a place in line (0 = next). Raises 503 `queue_full` before anything is held."""

    @abstractmethod
    async def release(self, ticket: Ticket) -> None:
        """Give up the slot, or the place in line (a slot handed over meanwhile passes on)."""

    def start(self) -> None:
        """Begin background work (lease renewal), in the app's event loop; called at start-up."""

    async def close(self) -> None:
        """Stop background work (lease renewal); called at shutdown."""


class _Gate:
    __slots__ = ("active", "limit", "waiters")

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.active = 0
        self.waiters: deque[asyncio.Future[None]] = deque()

    def try_enter(self) -> bool:
        if self.limit is None or (self.active < self.limit and not self.waiters):
            self.active += 1
            return True
        return False


class LocalQueue(Queue):
    """The queue of one process. Nobody else holds slots, so no leases."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self.waiting = 0
        self.gates: dict[str, _Gate] = {}

    async def reserve(self, gate: str, limit: int | None, holder: str) -> Ticket:
        state = self.gates.get(gate)
        if state is None:
            state = self.gates[gate] = _Gate(limit)
        if state.try_enter():
            return Ticket(gate, holder, None, 0)
        if self.waiting >= self.max_waiting:
            raise queue_full(self.max_waiting)
        fut = asyncio.get_running_loop().create_future()
        state.waiters.append(fut)
        self.waiting += 1
        return Ticket(gate, holder, fut, len(state.waiters) - 1)

    async def release(self, ticket: Ticket) -> None:
        state = self.gates[ticket.gate]
        fut = ticket.wait
        if fut is None or (fut.done() and not fut.cancelled()):
            # It ran, or was handed the slot just as it went away: the slot passes to the next waiter.
            while state.waiters:
                waiter = state.waiters.popleft()
                self.waiting -= 1
                if not waiter.done():
                    waiter.set_result(None)  # `active` stays the same
                    return
            state.active -= 1
        else:
            fut.cancel()
            with contextlib.suppress(ValueError):
                state.waiters.remove(fut)
                self.waiting -= 1
