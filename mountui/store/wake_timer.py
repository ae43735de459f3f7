"""Timeouts for many waiting readers on a few loop timers.

Every open event stream waits for its call's next event with a timeout (its heartbeat). One `call_later` per
wait would mean a timer per stream, created and cancelled on every event. Here a wait joins the slot of
`resolution` seconds its deadline falls in; each slot has one timer, which wakes whoever is still in it. A
waiter is never woken before its deadline, at most `resolution` after it; one woken early by its event leaves
its slot at once, so a busy stream holds nothing in the slots.
"""

from __future__ import annotations

import asyncio
import math


def wake(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class WakeTimer:
    def __init__(self, resolution: float = 0.25) -> None:
        self.resolution = resolution
        # Keyed by loop too: a store used from two event loops (tests do) never wakes one's future from the other.
        self._slots: dict[tuple[asyncio.AbstractEventLoop, int], set[asyncio.Future[None]]] = {}

    def wake_after(self, fut: asyncio.Future[None], delay: float) -> set[asyncio.Future[None]]:
        """Wake `fut` `delay` s from now (a little later, never sooner); the returned slot is to be left with
        `slot.discard(fut)` when the wait ends."""
        loop = asyncio.get_running_loop()
        number = math.ceil((loop.time() + delay) / self.resolution)
        slot = self._slots.get((loop, number))
        if slot is None:
            slot = self._slots[loop, number] = set()
            loop.call_at(number * self.resolution, self._fire, (loop, number))
        slot.add(fut)
        return slot

    def _fire(self, key: tuple[asyncio.AbstractEventLoop, int]) -> None:
        for fut in self._slots.pop(key, ()):
            wake(fut)

    @property
    def waiting(self) -> int:
        return sum(len(slot) for slot in self._slots.values())
