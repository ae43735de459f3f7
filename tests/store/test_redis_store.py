"""RedisStore's own promises, beyond the store contract: signed pickles, namespaces, an optional import, and an
end-to-end test with two apps, each under its own uvicorn, sharing one Redis like two workers.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import mountui
from mountui.server.app import build_app
from mountui.store.redis import RedisStore, UntrustedValueError

sys.path.insert(0, str(Path(__file__).parents[1] / "auth"))
from auth_helpers import SECRET, sign_in

KEY = SECRET.encode()


@dataclass
class Point:  # an arbitrary object, as a State may hold
    x: int
    y: int


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
            assert await b.log_read("L", -1, timeout=0) == ([], True, 0)
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


def test_many_waiting_readers_share_one_connection(redis_server: str) -> None:
    # Each open event stream waits for its call's next event; a worker may hold thousands. They wait through
    # one blocking XREAD, so far more readers than the pool has connections are all served, none refused.
    async def main() -> None:
        store = RedisStore(redis_server, signing_key=KEY, max_connections=4)
        try:
            for i in range(150):
                await store.log_append(f"call-{i}", ("started", {}))
            readers = [asyncio.ensure_future(store.log_read(f"call-{i}", 0, timeout=20)) for i in range(150)]
            await asyncio.sleep(0.5)
            assert not any(r.done() for r in readers)  # all waiting: nothing new yet
            for i in range(150):
                await store.log_append(f"call-{i}", ("output", {"data": [i]}))
            reads = await asyncio.wait_for(asyncio.gather(*readers), 10)
            assert [r.items for r in reads] == [[["output", {"data": [i]}]] for i in range(150)]
            # A reader that starts after the others waits too, and is woken by its own log alone.
            late = asyncio.ensure_future(store.log_read("call-7", 1, timeout=20))
            await asyncio.sleep(0.2)
            assert not late.done()
            await store.log_close("call-7", retention=60)
            assert (await asyncio.wait_for(late, 5)).closed
        finally:
            await store.close()

    asyncio.run(main())
