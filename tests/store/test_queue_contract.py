"""The store's signals and call queue: the same promises in one process (MemoryStore) and across workers
(RedisStore on a real redis-server, each "worker" with its own connection and queue).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from mountui.errors import CallError
from mountui.store import MemoryStore, Store
from mountui.store.queue import Queue
from mountui.store.redis import RedisStore

KEY = b"a-signing-key-for-the-queue-contract-tests"


@pytest.fixture(params=["memory", "redis"])
def make_store(request: pytest.FixtureRequest) -> Callable[[], Store]:
    if request.param == "memory":
        store = MemoryStore()
        return lambda: store  # one process: every "worker" is the same store
    url = request.getfixturevalue("redis_server")
    return lambda: RedisStore(url, signing_key=KEY)


def run(body: Callable[..., Awaitable[None]], *stores: Store, queues: list[Queue] | None = None) -> None:
    async def main() -> None:
        try:
            await body()
        finally:
            for queue in {id(q): q for q in queues or []}.values():
                await queue.close()
            for store in {id(s): s for s in stores}.values():
                await store.close()

    asyncio.run(main())


def two_queues(a: Store, b: Store, max_waiting: int) -> tuple[Queue, Queue]:
    """One queue per worker; in one process (MemoryStore) both "workers" are the app's one queue."""
    qa = a.queue(max_waiting, lease=5)
    return qa, (qa if a is b else b.queue(max_waiting, lease=5))


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "never happened"
        await asyncio.sleep(0.01)


def test_a_signal_reaches_every_subscriber(make_store: Callable[[], Store]) -> None:
    a, b = make_store(), make_store()
    heard: list[Any] = []

    async def body() -> None:
        b.subscribe("calls", heard.append)
        a.subscribe("other", lambda m: heard.append(("wrong channel", m)))
        await asyncio.sleep(0.2)  # Redis: the listener has subscribed
        await a.publish("calls", {"op": "cancel", "id": "x"})
        await eventually(lambda: bool(heard))
        assert heard == [{"op": "cancel", "id": "x"}]

    run(body, a, b)


def test_a_limit_of_one_holds_for_every_worker_and_the_slot_passes_in_order(
    make_store: Callable[[], Store],
) -> None:
    a, b = make_store(), make_store()
    qa, qb = two_queues(a, b, 10)

    async def body() -> None:
        first = await qa.reserve("gen", 1, "call-1:0")
        assert first.wait is None  # runs at once
        second = await qb.reserve("gen", 1, "call-2:0")
        third = await qa.reserve("gen", 1, "call-3:0")
        assert second.wait is not None and third.wait is not None
        assert (second.position, third.position) == (0, 1)  # places in the one line of every worker
        await asyncio.sleep(0.1)
        assert not second.wait.done()
        await qa.release(first)
        await asyncio.wait_for(second.wait, 5)  # the other worker's waiter got the slot
        assert not third.wait.done()
        await qb.release(second)
        await asyncio.wait_for(third.wait, 5)
        await qa.release(third)

    run(body, a, b, queues=[qa, qb])


def test_a_full_queue_refuses_and_holds_nothing(make_store: Callable[[], Store]) -> None:
    a, b = make_store(), make_store()
    qa, qb = two_queues(a, b, 1)

    async def body() -> None:
        running = await qa.reserve("gen", 1, "r:0")
        waiting = await qb.reserve("gen", 1, "w:0")
        with pytest.raises(CallError) as refused:
            await qa.reserve("gen", 1, "x:0")
        assert (refused.value.status, refused.value.code) == (503, "queue_full")
        # A call that gives up its place makes room for another.
        await qb.release(waiting)
        again = await qa.reserve("gen", 1, "y:0")
        assert again.wait is not None
        await qa.release(running)
        await asyncio.wait_for(again.wait, 5)
        await qa.release(again)
        # Other gates and unlimited ones are not held up by a full line elsewhere.
        assert (await qb.reserve("free", None, "z:0")).wait is None

    run(body, a, b, queues=[qa, qb])


def test_a_waiter_that_leaves_is_skipped(make_store: Callable[[], Store]) -> None:
    a, b = make_store(), make_store()
    qa, qb = two_queues(a, b, 10)

    async def body() -> None:
        running = await qa.reserve("gen", 1, "r:0")
        gone = await qb.reserve("gen", 1, "gone:0")
        next_one = await qa.reserve("gen", 1, "next:0")
        await qb.release(gone)
        await qa.release(running)
        await asyncio.wait_for(next_one.wait, 5)
        assert gone.wait is not None and gone.wait.cancelled()
        await qa.release(next_one)

    run(body, a, b, queues=[qa, qb])


def test_redis_takes_over_the_calls_of_a_worker_that_stopped_renewing(redis_server: str) -> None:
    dead_store, live_store = RedisStore(redis_server), RedisStore(redis_server)
    dead, live = dead_store.queue(10, lease=0.6), live_store.queue(10, lease=0.6)
    reaped: list[tuple[str, bool]] = []
    lost: list[str] = []
    live.on_reaped = lambda holder, running: reaped.append((holder, running))

    async def body() -> None:
        running = await dead.reserve("gen", 1, "running:0")
        waiting = await dead.reserve("gen", 1, "waiting:0")
        assert running.wait is None and waiting.wait is not None
        await dead.close()  # it stops renewing, as a killed worker would
        late = await live.reserve("gen", 1, "late:0")
        assert late.wait is not None  # the dead worker's lease is still live
        await eventually(lambda: len(reaped) == 2, timeout=5)
        assert sorted(reaped) == [("running:0", True), ("waiting:0", False)]
        await asyncio.wait_for(late.wait, 5)  # its slot went to the next in line
        # Had the "dead" worker only been frozen, it learns on its next renewal that the calls are gone.
        dead.on_lost = lost.append
        dead._held = {"running:0": running}
        await dead._renew_all(600)
        assert lost == ["running:0"]
        await live.release(late)

    run(body, dead_store, live_store, queues=[live])
