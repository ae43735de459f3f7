"""One contract for every `Store`: MemoryStore and RedisStore (against a real redis-server) must agree.

`make()` gives "another worker's" store: the same MemoryStore (one process), or a new RedisStore (own
connection) on the same Redis and namespace. Plus RedisStore-only checks (signed pickles, namespaces) and an
end-to-end test with two apps, each under its own uvicorn, sharing one Redis like two workers.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import mountui
from mountui.server.app import build_app
from mountui.store import MemoryStore, Store
from mountui.store.redis import RedisStore, UntrustedValueError

sys.path.insert(0, str(Path(__file__).parents[1] / "auth"))
from auth_helpers import SECRET, sign_in

KEY = SECRET.encode()

Make = Callable[[], Store]


@dataclass
class Point:  # an arbitrary object, as a State may hold
    x: int
    y: int


@pytest.fixture(params=["memory", "redis"])
def make(request: pytest.FixtureRequest) -> Make:
    if request.param == "memory":
        store = MemoryStore()
        return lambda: store
    url = request.getfixturevalue("redis_server")
    return lambda: RedisStore(url, signing_key=KEY)


def run(make: Make, body: Callable[..., Awaitable[None]], workers: int = 1) -> None:
    async def main() -> None:
        stores = [make() for _ in range(workers)]
        try:
            await body(*stores)
        finally:
            for store in {id(s): s for s in stores}.values():
                await store.close()

    asyncio.run(main())


# --- keys ---


def test_get_set_delete(make: Make) -> None:
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

    run(make, body, workers=2)


def test_values_that_are_not_json_round_trip(make: Make) -> None:
    # What the pipeline keeps under state:<session>: component ids (ints) to arbitrary objects.
    record = {"owner": "alice", "values": {3: [1, 2], 7: Point(1, 2), 9: ("a", {"b"})}}

    async def body(a: Store, b: Store) -> None:
        await a.set("state:tab", record, ttl=60)
        assert await b.get("state:tab") == record

    run(make, body, workers=2)


def test_values_expire(make: Make) -> None:
    async def body(a: Store) -> None:
        await a.set("short", "v", ttl=0.2)
        await a.set("long", "v", ttl=30)
        await a.set("forever", "v")
        await a.set("renewed", "v", ttl=0.2)
        await a.set("renewed", "w")  # a set without ttl keeps the value for good
        assert await a.get("short") == "v"
        await asyncio.sleep(0.35)
        assert await a.get("short") is None
        assert await a.get("long") == "v"
        assert await a.get("forever") == "v"
        assert await a.get("renewed") == "w"

    run(make, body)


# --- counters ---


def test_incr_counts_and_expires_from_creation(make: Make) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.incr("c", ttl=0.5) == 1
        assert await b.incr("c", ttl=0.5) == 2
        await asyncio.sleep(0.3)
        assert await a.incr("c", ttl=0.5) == 3  # does not push the expiry back
        assert await a.get("c") == 3
        await asyncio.sleep(0.35)
        assert await a.get("c") is None
        assert await b.incr("c", ttl=0.5) == 1

    run(make, body, workers=2)


def test_incr_is_atomic_under_concurrency(make: Make) -> None:
    async def body(*stores: Store) -> None:
        counts = await asyncio.gather(*(stores[i % len(stores)].incr("hits", ttl=30) for i in range(300)))
        assert sorted(counts) == list(range(1, 301))

    run(make, body, workers=3)


# --- sets ---


def test_sets(make: Make) -> None:
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

    run(make, body, workers=2)


def test_sets_expire(make: Make) -> None:
    async def body(a: Store) -> None:
        await a.set_add("s", "x", ttl=0.2)
        await a.set_add("forever", "x")
        await asyncio.sleep(0.35)
        assert await a.set_members("s") == set()
        assert await a.set_members("forever") == {"x"}

    run(make, body)


# --- event logs ---


def items_of(items: list[Any]) -> list[Any]:
    return [list(item) if isinstance(item, tuple) else item for item in items]  # JSON keeps tuples as lists


def test_log_append_and_read(make: Make) -> None:
    async def body(a: Store, b: Store) -> None:
        assert await a.log_read("unknown", -1, timeout=0) == ([], True)
        assert await a.log_append("L", ("queued", {"position": 1})) == 0
        assert await b.log_append("L", ("started", {})) == 1
        assert await a.log_append("L", {"n": 2}) == 2
        items, closed = await b.log_read("L", -1, timeout=1)
        assert items_of(items) == [["queued", {"position": 1}], ["started", {}], {"n": 2}]
        assert closed is False
        assert await a.log_read("L", 1, timeout=1) == ([{"n": 2}], False)
        assert await a.log_read("L", 5, timeout=0) == ([], False)

    run(make, body, workers=2)


def test_log_read_waits_and_times_out(make: Make) -> None:
    async def body(a: Store) -> None:
        await a.log_append("L", "first")
        started = time.monotonic()
        assert await a.log_read("L", 0, timeout=0.3) == ([], False)
        assert 0.25 <= time.monotonic() - started < 2

    run(make, body)


def test_log_read_wakes_on_append(make: Make) -> None:
    async def body(a: Store, b: Store) -> None:
        await a.log_append("L", "first")
        reader = asyncio.create_task(b.log_read("L", 0, timeout=10))
        await asyncio.sleep(0.2)
        assert not reader.done()  # it waits: nothing after index 0 yet
        started = time.monotonic()
        await a.log_append("L", "second")
        assert await asyncio.wait_for(reader, 2) == (["second"], False)
        assert time.monotonic() - started < 1  # woken by the append, not by polling out the timeout

    run(make, body, workers=2)


def test_log_close_wakes_readers_and_expires(make: Make) -> None:
    async def body(a: Store, b: Store) -> None:
        await a.log_append("L", "first")
        reader = asyncio.create_task(b.log_read("L", 0, timeout=10))
        await asyncio.sleep(0.2)
        assert not reader.done()
        await a.log_close("L", retention=0.5)
        assert await asyncio.wait_for(reader, 2) == ([], True)
        assert await b.log_read("L", -1, timeout=5) == (["first"], True)  # closed: no waiting
        assert await a.log_close("unknown", retention=1) is None  # closing an unknown log does nothing
        assert await a.log_read("unknown", -1, timeout=0) == ([], True)
        await asyncio.sleep(0.7)
        assert await b.log_read("L", -1, timeout=0) == ([], True)  # forgotten after the retention

    run(make, body, workers=2)


def test_final_items_and_close_read_together(make: Make) -> None:
    async def body(a: Store) -> None:
        await a.log_append("L", "a")
        await a.log_append("L", "b")
        await a.log_close("L", retention=30)
        assert await a.log_read("L", 0, timeout=1) == (["b"], True)
        assert await a.log_read("L", 1, timeout=1) == ([], True)

    run(make, body)


# --- RedisStore only ---

BOOM: list[str] = []


def _boom() -> None:
    BOOM.append("unpickled")


class Evil:
    def __reduce__(self) -> Any:
        return (_boom, ())


def redis_key(store: RedisStore, key: str) -> str:
    return store._key(key)


def test_redis_refuses_a_tampered_or_foreign_pickle(redis_server: str) -> None:
    async def main() -> None:
        store = RedisStore(redis_server, signing_key=KEY)
        other = RedisStore(redis_server, signing_key=b"another-secret-key-of-another-app-0123456789")
        raw_client = store._client
        try:
            await store.set("state:t", {"values": {1: Point(1, 2)}})
            assert await store.get("state:t") == {"values": {1: Point(1, 2)}}
            with pytest.raises(UntrustedValueError):
                await other.get("state:t")  # signed with another key
            raw = await raw_client.get(redis_key(store, "state:t"))
            # An attacker who can write to Redis swaps in a pickle that runs code, keeping the old tag.
            forged = raw[:33] + pickle.dumps(Evil())
            await raw_client.set(redis_key(store, "state:t"), forged)
            with pytest.raises(UntrustedValueError, match="not unpickled"):
                await store.get("state:t")
            # A signed value moved to another key does not verify either: the tag covers the key.
            await raw_client.set(redis_key(store, "state:u"), raw)
            with pytest.raises(UntrustedValueError):
                await store.get("state:u")
            assert BOOM == []
        finally:
            await store.close()
            await other.close()

    asyncio.run(main())


def test_redis_without_a_signing_key_keeps_only_json(redis_server: str) -> None:
    async def main() -> None:
        store = RedisStore(redis_server)
        signed = RedisStore(redis_server, signing_key=KEY)
        try:
            await store.set("j", {"a": [1, 2.5, None]})
            assert await store.get("j") == {"a": [1, 2.5, None]}
            with pytest.raises(TypeError, match="signing_key"):
                await store.set("state:t", {"values": {1: "x"}})
            await signed.set("p", (1, 2))
            with pytest.raises(UntrustedValueError):
                await store.get("p")  # never unpickled without a key to check it
        finally:
            await store.close()
            await signed.close()

    asyncio.run(main())


def test_redis_namespaces_do_not_mix(redis_server: str) -> None:
    async def main() -> None:
        a = RedisStore(redis_server, namespace="app-a")
        b = RedisStore(redis_server, namespace="app-b")
        try:
            await a.set("k", 1)
            await a.log_append("L", "x")
            assert await b.get("k") is None
            assert await b.log_read("L", -1, timeout=0) == ([], True)
            assert await a.incr("c", ttl=10) == 1
            assert await b.incr("c", ttl=10) == 1
        finally:
            await a.close()
            await b.close()

    asyncio.run(main())


def test_importing_mountui_does_not_import_redis() -> None:
    import subprocess

    code = "import sys, mountui, mountui.store; assert 'redis' not in sys.modules, 'redis imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- two workers, one Redis ---

PASSWORD = "pw-long-enough"


def greet(name: str, request: mountui.Request) -> str:
    return f"Hello {name}, signed in as {request.username}"


def add(item: str, items: list[str]) -> tuple[list[str], int]:
    items = [*items, item]
    return items, len(items)


def two_worker_demo() -> mountui.Blocks:
    with mountui.Blocks() as demo:
        name, out = mountui.Textbox(), mountui.Textbox()
        mountui.Button().click(greet, name, out, api_name="greet")
        items = mountui.State([])
        box, count = mountui.Textbox(), mountui.Number()
        mountui.Button().click(add, [box, items], [items, count], api_name="add")
    return demo


def test_two_workers_share_sign_ins_and_state(redis_server: str, serve: Callable[..., str]) -> None:
    demo = two_worker_demo()

    def worker() -> str:
        # No signing_key of its own: the store signs State with one derived from the app's secret_key.
        store = RedisStore(redis_server)
        return serve(build_app(demo, secret_key=SECRET, auth=[("alice", PASSWORD)], store=store))

    a, b = worker(), worker()
    with httpx.Client(timeout=10) as on_a, httpx.Client(timeout=10) as on_b:
        signed_in = sign_in(on_a, a, "alice", PASSWORD)
        assert signed_in.status_code == 303, signed_in.text
        cookies = dict(on_a.cookies)
        assert cookies
        on_b.cookies.update(cookies)  # the same browser, whose next request the balancer sends to B

        greeted = on_b.post(f"{b}/api/greet", json={"data": ["Bob"]})
        assert greeted.status_code == 200, greeted.text
        assert greeted.json() == {"data": ["Hello Bob, signed in as alice"]}

        # A streamed call: its events go through the Redis event log of the worker that runs it.
        streamed = on_b.post(
            f"{b}/api/greet", json={"data": ["Eve"]}, headers={"Accept": "text/event-stream"}
        ).text
        assert "event: started" in streamed and "event: complete" in streamed
        assert "Hello Eve, signed in as alice" in streamed

        # State: a tab session from A's config, updated on A, read and updated on B.
        tab = {"X-MountUI-Session": on_a.get(f"{a}/config").json()["session_id"]}
        assert on_a.post(f"{a}/api/add", json={"data": ["x"]}, headers=tab).json() == {"data": [1]}
        assert on_a.post(f"{a}/api/add", json={"data": ["y"]}, headers=tab).json() == {"data": [2]}
        assert on_b.post(f"{b}/api/add", json={"data": ["z"]}, headers=tab).json() == {"data": [3]}
        assert on_a.post(f"{a}/api/add", json={"data": ["w"]}, headers=tab).json() == {"data": [4]}

        # Signing out on B ends the session everywhere: A refuses the same cookie.
        assert on_b.get(f"{b}/logout").status_code == 303
        refused = httpx.post(f"{a}/api/greet", json={"data": ["Bob"]}, cookies=cookies)
        assert refused.status_code == 401, refused.text
