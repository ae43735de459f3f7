"""A link's life: the token, expiry, the app reconnecting to a restarted relay, and a crowd through one tunnel."""

from __future__ import annotations

import asyncio

import httpx
import orjson
from share_helpers import SECRET, Visitor, shared_demo, wait_for
from support.ports import LOOPBACK


def test_a_wrong_token_is_refused_and_the_app_says_so(relay, share):
    tunnel = share(
        shared_demo().build_app(secret_key=SECRET), relay, token="not-the-relays-token-at-all", wait=False
    )
    wait_for(tunnel.stopped.is_set, what="the app to give up")
    assert tunnel.public_url is None and relay.relay.registry.live == {}
    assert any("refused the share token" in line for line in tunnel.lines)
    with httpx.Client() as client:  # the relay's tunnel endpoint answers a plain 401 to a wrong token
        refused = client.get(
            f"{relay.url}/_mountui/tunnel",
            headers={"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Authorization": "Bearer wrong"},
        )  # fmt: skip
    assert refused.status_code == 401


def test_an_expired_link_is_refused_with_a_clear_page_and_the_app_is_told(relays, share, clock):
    relay = relays(clock=clock, link_ttl=3600)
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    with Visitor(tunnel.public_url) as visitor:
        assert visitor.get("/").status_code == 200
        clock.advance(3601)
        expired = visitor.get("/")
        assert expired.status_code == 410 and "This share link has expired" in expired.text
        wait_for(tunnel.stopped.is_set, what="the app to hear of the expiry")
        assert any("has expired" in line for line in tunnel.lines)
        assert visitor.get("/").status_code == 410  # and stays so: the app does not sneak back in
    assert relay.relay.registry.live == {}


def test_the_app_reconnects_after_the_relay_restarts_and_keeps_its_link(relay, share):
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    link = tunnel.public_url
    relay.restart()  # a new relay process on the same port: nothing of the old one is remembered
    wait_for(lambda: tunnel.connections == 2, what="the app to reconnect")
    assert tunnel.public_url == link
    assert any("reconnected" in line and link in line for line in tunnel.lines)
    with Visitor(link) as visitor:
        assert visitor.post("/api/greet", json={"data": ["Ada"]}).json() == {"data": ["Hello, Ada!"]}


def test_two_hundred_concurrent_streamed_calls_through_one_tunnel_lose_nothing(relays, share):
    relay = relays(max_streams=250)
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    host = tunnel.public_url.split("//")[1].rstrip("/")
    ticks = 6

    async def one_call(client: httpx.AsyncClient) -> list[str]:
        outputs = []
        headers = {"Host": host, "Accept": "text/event-stream"}
        async with client.stream("POST", "/api/tick", json={"data": [ticks]}, headers=headers) as response:
            assert response.status_code == 200
            event = None
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event in ("output", "complete"):
                    outputs.append(event if event == "complete" else orjson.loads(line[6:])["data"][0])
        return outputs

    async def crowd() -> list[list[str]]:
        limits = httpx.Limits(max_connections=250, max_keepalive_connections=250)
        async with httpx.AsyncClient(
            base_url=f"http://{LOOPBACK}:{relay.port}", limits=limits, timeout=60
        ) as client:
            return await asyncio.gather(*(one_call(client) for _ in range(200)))

    results = asyncio.run(crowd())
    expected = [f"tick {i}" for i in range(ticks)] + ["complete"]
    assert len(results) == 200 and all(result == expected for result in results)
