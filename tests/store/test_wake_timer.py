"""The shared timeouts of waiting readers (mountui/store/wake_timer.py)."""

from __future__ import annotations

import asyncio

from mountui.store.wake_timer import WakeTimer


def test_a_wait_is_woken_after_its_deadline_never_before_and_at_most_one_slot_late() -> None:
    async def body() -> None:
        timer, loop = WakeTimer(resolution=0.1), asyncio.get_running_loop()
        for delay in (0.05, 0.12, 0.3):
            fut = loop.create_future()
            started = loop.time()
            slot = timer.wake_after(fut, delay)
            await asyncio.wait_for(fut, 2)
            waited = loop.time() - started
            slot.discard(fut)
            assert delay <= waited + 0.002  # the loop's clock, not a second one: no early wake-up
            assert waited < delay + 0.1 + 0.05  # one slot late at most (and the loop's own lateness)
        assert timer.waiting == 0

    asyncio.run(body())


def test_many_waits_share_slots_and_an_early_wake_leaves_its_slot() -> None:
    async def body() -> None:
        timer, loop = WakeTimer(resolution=0.1), asyncio.get_running_loop()
        futs = [loop.create_future() for _ in range(1000)]
        slots = [timer.wake_after(fut, 0.2) for fut in futs]
        assert len({id(slot) for slot in slots}) <= 2  # a thousand waits, one or two timers
        assert timer.waiting == 1000
        # Half of them get their event first: they leave, and nothing of them stays behind.
        for fut, slot in zip(futs[:500], slots[:500], strict=True):
            fut.set_result(None)
            slot.discard(fut)
        assert timer.waiting == 500
        await asyncio.wait_for(asyncio.gather(*futs[500:]), 2)  # the rest time out together
        assert timer.waiting == 0

    asyncio.run(body())
