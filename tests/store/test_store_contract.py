"""One contract for every `Store`: MemoryStore and RedisStore (against a real redis-server) must agree.

`backend.make()` gives "another worker's" store: the same MemoryStore (one process), or a new RedisStore (own
connection) on the same Redis and namespace. `backend.advance(s)` lets `s` seconds pass: MemoryStore's clock
is turned; Redis keeps time itself, so there it is a real wait (the TTLs below are short for that reason).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import redis.asyncio as redis_asyncio
from support.clock import FakeClock

from mountui.store import MemoryStore, Store
from mountui.store.redis import RedisStore

KEY = b"a-signing-key-for-the-store-contract-tests"


@dataclass
class Point:  # an arbitrary object, as a State may hold
    x: int
    y: int


@dataclass
class Backend:
    make: Callable[[], Store]
    advance: Callable[[float], Awaitable[None]]
    # Returns once `n` readers are blocked waiting for a log to grow.
    readers_waiting: Callable[[int], Awaitable[None]]


def memory_backend() -> Backend:
    clock = FakeClock()
    store = MemoryStore(clock=clock)

    async def advance(seconds: float) -> None:
        clock.advance(seconds)

    async def readers_waiting(n: int) -> None:
        for _ in range(10):  # the reader task reaches its wait within a few loop turns
            await asyncio.sleep(0)

    return Backend(lambda: store, advance, readers_waiting)


def redis_backend(url: str) -> Backend:
    async def readers_waiting(n: int) -> None:
        client = redis_asyncio.Redis.from_url(url)
        try:
            # Readers wait for a pub/sub message, armed before they read: once the reading store listens
            # (its pattern subscription is in place), and a few loop turns later, they are waiting.
            deadline = time.monotonic() + 5
            while await client.execute_command("PUBSUB", "NUMPAT") < 1:
                assert time.monotonic() < deadline, "the reading store never listened for log events"
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)
        finally:
            await client.aclose()

    return Backend(lambda: RedisStore(url, signing_key=KEY), asyncio.sleep, readers_waiting)


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        return memory_backend()
    return redis_backend(request.getfixturevalue("redis_server"))


def run(backend: Backend, body: Callable[..., Awaitable[None]], workers: int = 1) -> None:
    async def main() -> None:
        stores = [backend.make() for _ in range(workers)]
        try:
            await body(*stores)
        finally:
            for store in {id(s): s for s in stores}.values():
                await store.close()

    asyncio.run(main())


# --- keys ---


def test_get_set_delete(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.get("missing") is None
        value = {"s": "é€", "n": 3, "f": 1.5, "t": True, "z": None, "l": [1, "2", [3]], "d": {"k": {}}}
        await a.set("k", value)
        assert await b.get("k") == value
        await b.set("k", [1, 2])
        assert await a.get("k") == [1, 2]
        await a.delete("k")
        await a.delete("k")  # deleting twice is fine
        assert await b.get("k") is None

    run(backend, body, workers=2)


def test_values_that_are_not_json_round_trip(backend: Backend) -> None:
    # What the pipeline keeps under state:<session>: component ids (ints) to arbitrary objects.
    record = {"owner": "alice", "values": {3: [1, 2], 7: Point(1, 2), 9: ("a", {"b"})}}

    async def body(a: Store, b: Store) -> None:
        await a.set("state:tab", record, ttl=60)
        assert await b.get("state:tab") == record

    run(backend, body, workers=2)


def test_values_expire(backend: Backend) -> None:
    async def body(a: Store) -> None:
        await a.set("short", "v", ttl=0.2)
        await a.set("long", "v", ttl=30)
        await a.set("forever", "v")
        await a.set("renewed", "v", ttl=0.2)
        await a.set("renewed", "w")  # a set without ttl keeps the value for good
        assert await a.get("short") == "v"
        await backend.advance(0.35)
        assert await a.get("short") is None
        assert await a.get("long") == "v"
        assert await a.get("forever") == "v"
        assert await a.get("renewed") == "w"

    run(backend, body)


# --- counters ---


def test_incr_counts_and_expires_from_creation(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.incr("c", ttl=0.5) == 1
        assert await b.incr("c", ttl=0.5) == 2
        await backend.advance(0.3)
        assert await a.incr("c", ttl=0.5) == 3  # does not push the expiry back
        assert await a.get("c") == 3
        await backend.advance(0.35)
        assert await a.get("c") is None
        assert await b.incr("c", ttl=0.5) == 1

    run(backend, body, workers=2)


def test_incr_is_atomic_under_concurrency(backend: Backend) -> None:
    async def body(*stores: Store) -> None:
        counts = await asyncio.gather(*(stores[i % len(stores)].incr("hits", ttl=30) for i in range(300)))
        assert sorted(counts) == list(range(1, 301))

    run(backend, body, workers=3)


# --- sets ---


def test_sets(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.set_members("none") == set()
        await a.set_remove("none", "x")  # fine
        await a.set_add("s", "x", ttl=30)
        await b.set_add("s", "y", ttl=30)
        await a.set_add("s", "y")
        assert await b.set_members("s") == {"x", "y"}
        await b.set_remove("s", "x")
        assert await a.set_members("s") == {"y"}
        await a.set_remove("s", "y")
        assert await a.set_members("s") == set()

    run(backend, body, workers=2)


def test_sets_expire(backend: Backend) -> None:
    async def body(a: Store) -> None:
        await a.set_add("s", "x", ttl=0.2)
        await a.set_add("forever", "x")
        await backend.advance(0.35)
        assert await a.set_members("s") == set()
        assert await a.set_members("forever") == {"x"}

    run(backend, body)


# --- event logs ---


def items_of(items: list[Any]) -> list[Any]:
    return [list(item) if isinstance(item, tuple) else item for item in items]  # JSON keeps tuples as lists


def test_log_append_and_read(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.log_read("unknown", -1, timeout=0) == ([], True, 0)
        assert await a.log_append("L", ("queued", {"position": 1})) == 0
        assert await b.log_append("L", ("started", {})) == 1
        assert await a.log_append("L", {"n": 2}) == 2
        items, closed, first = await b.log_read("L", -1, timeout=1)
        assert items_of(items) == [["queued", {"position": 1}], ["started", {}], {"n": 2}]
        assert closed is False and first == 0
        assert await a.log_read("L", 1, timeout=1) == ([{"n": 2}], False, 2)
        assert await a.log_read("L", 5, timeout=0) == ([], False, 6)

    run(backend, body, workers=2)


def test_log_read_waits_and_times_out(backend: Backend) -> None:
    async def body(a: Store) -> None:
        await a.log_append("L", "first")
        started = time.monotonic()
        assert await a.log_read("L", 0, timeout=0.15) == (
            [],
            False,
            1,
        )  # a real wait: timeouts are not expiry
        assert 0.12 <= time.monotonic() - started < 2

    run(backend, body)


def test_log_read_wakes_on_append(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        await a.log_append("L", "first")
        reader = asyncio.create_task(b.log_read("L", 0, timeout=10))
        await backend.readers_waiting(1)
        assert not reader.done()  # it waits: nothing after index 0 yet
        started = time.monotonic()
        await a.log_append("L", "second")
        assert await asyncio.wait_for(reader, 2) == (["second"], False, 1)
        assert time.monotonic() - started < 1  # woken by the append, not by polling out the timeout

    run(backend, body, workers=2)


def test_log_close_wakes_readers_and_expires(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        await a.log_append("L", "first")
        reader = asyncio.create_task(b.log_read("L", 0, timeout=10))
        await backend.readers_waiting(1)
        assert not reader.done()
        await a.log_close("L", retention=0.5)
        assert await asyncio.wait_for(reader, 2) == ([], True, 1)
        assert await b.log_read("L", -1, timeout=5) == (["first"], True, 0)  # closed: no waiting
        assert await a.log_close("unknown", retention=1) is None  # closing an unknown log does nothing
        assert await a.log_read("unknown", -1, timeout=0) == ([], True, 0)
        await backend.advance(0.7)
        assert await b.log_read("L", -1, timeout=0) == ([], True, 0)  # forgotten after the retention

    run(backend, body, workers=2)


def test_final_items_and_close_read_together(backend: Backend) -> None:
    async def body(a: Store) -> None:
        await a.log_append("L", "a")
        await a.log_append("L", "b")
        await a.log_close("L", retention=30)
        assert await a.log_read("L", 0, timeout=1) == (["b"], True, 1)
        assert await a.log_read("L", 1, timeout=1) == ([], True, 2)

    run(backend, body)


def test_logged_events_come_back_as_written_and_a_closed_log_can_be_added_to(backend: Backend) -> None:
    """The pipeline logs (name, JSON text): every store hands back exactly that text, never re-encoded."""

    async def body(a: Store, b: Store) -> None:
        started, output = ("started", '{"event_id":"x"}'), ("output", '{"data":["hé\\n",1.5]}')
        await a.log_append("L", started)
        await a.log_append("L", output)
        await a.log_close("L", retention=30)
        assert await b.log_read("L", -1, timeout=0) == ([started, output], True, 0)
        # A worker that took the call over may add its last word to a log another worker closed: it stays closed.
        assert await b.log_append("L", ("error", "{}")) == 2
        assert await a.log_read("L", 0, timeout=5) == ([output, ("error", "{}")], True, 1)
        await b.log_close("L", retention=30)
        assert await a.log_read("L", 1, timeout=1) == ([("error", "{}")], True, 2)

    run(backend, body, workers=2)


def test_a_log_keeps_only_its_last_items_when_asked(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        for n in range(10):
            assert await a.log_append("L", {"n": n}, keep=3) == n  # indexes go on counting
        assert await b.log_read("L", -1, timeout=0) == ([{"n": 7}, {"n": 8}, {"n": 9}], False, 7)
        assert await b.log_read("L", 7, timeout=0) == ([{"n": 8}, {"n": 9}], False, 8)
        assert await b.log_append("L", {"n": 10}, keep=3) == 10
        await a.log_close("L", retention=30)
        assert await b.log_read("L", 2, timeout=1) == ([{"n": 8}, {"n": 9}, {"n": 10}], True, 8)
        assert await b.log_read("L", 10, timeout=1) == ([], True, 11)

    run(backend, body, workers=2)


# --- moving-window rate limits ---


def test_hit_windows_accepts_up_to_the_limit_then_says_how_long_to_wait(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.hit_windows("k", [("w", 2, 0.5)]) == 0
        await backend.advance(0.2)
        assert await b.hit_windows("k", [("w", 2, 0.5)]) == 0  # another worker counts into the same window
        wait = await a.hit_windows("k", [("w", 2, 0.5)])
        # The first hit leaves the window 0.5 s after it was made, at most 0.3 s from now (Redis's clock
        # runs on while the test does, hence the loose lower bound).
        assert 0.1 < wait <= 0.3
        assert await b.hit_windows("other", [("w", 2, 0.5)]) == 0  # keys are counted apart
        assert await b.hit_windows("k", [("v", 2, 0.5)]) == 0  # and so are the names of a key's windows
        await backend.advance(wait + 0.02)
        assert await b.hit_windows("k", [("w", 2, 0.5)]) == 0  # the first hit has left the window
        # The second one has not: what is left of its window (under 0.3 s when nothing is slowed down; a busy
        # machine delays the second hit, never the clock, so only "less than a whole window" is certain).
        assert 0 < await a.hit_windows("k", [("w", 2, 0.5)]) < 0.5

    run(backend, body, workers=2)


def test_a_refused_hit_counts_in_no_window(backend: Backend) -> None:
    async def body(a: Store) -> None:
        windows = [("short", 1, 0.3), ("long", 3, 30.0)]
        assert await a.hit_windows("k", windows) == 0
        for _ in range(5):  # refused by the short window: the long one must not fill up meanwhile
            assert await a.hit_windows("k", windows) > 0
        await backend.advance(0.35)
        assert await a.hit_windows("k", windows) == 0
        await backend.advance(0.35)
        assert await a.hit_windows("k", windows) == 0
        await backend.advance(0.35)
        # Three hits in 30 s: now the long window refuses, for about the 30 s its first hit has left.
        assert 28 < await a.hit_windows("k", windows) <= 30

    run(backend, body)


def test_hit_windows_is_atomic_under_concurrency(backend: Backend) -> None:
    async def body(a: Store, b: Store) -> None:
        results = await asyncio.gather(*(s.hit_windows("k", [("w", 7, 30.0)]) for s in (a, b) * 10))
        assert sum(1 for wait in results if wait == 0) == 7

    run(backend, body, workers=2)


def test_a_log_claimed_by_a_new_writer_refuses_the_old_one(backend: Backend) -> None:
    """A worker frozen past its lease comes back and writes: the worker that took its call over claimed the
    log, so what the old attempt writes is refused (-1), on any worker, and readers never see it."""

    async def body(a: Store, b: Store) -> None:
        assert await a.log_append("L", "first", writer="call:0") == 0  # never claimed: any writer may
        assert await a.log_append("L", "second", writer="call:0") == 1
        assert await b.log_append("L", "taken over", writer="call:1", claim=True) == 2
        assert await a.log_append("L", "late", writer="call:0") == -1
        assert await b.log_append("L", "third", writer="call:1") == 3
        assert await b.log_append("L", "unfenced") == 4  # no writer named: not fenced (the store's callers)
        await b.log_close("L", retention=30)
        assert await a.log_append("L", "after the end", writer="call:0") == -1
        items, closed, _first = await a.log_read("L", -1, timeout=0)
        assert items == ["first", "second", "taken over", "third", "unfenced"] and closed

    run(backend, body, workers=2)


def test_a_read_with_no_timeout_answers_at_once(backend: Backend) -> None:
    """What a resume checks first (is the log still there?): never a wait, however the waits are timed."""

    async def body(a: Store) -> None:
        await a.log_append("L", "first")
        started = time.monotonic()
        for _ in range(5):
            assert await a.log_read("L", 0, timeout=0) == ([], False, 1)
        assert time.monotonic() - started < 0.2  # five reads, not five waits of a timer slot

    run(backend, body)
