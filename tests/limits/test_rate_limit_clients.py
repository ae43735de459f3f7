"""The same limit reaches every kind of caller: the sync client (over a real server), the async client, and
a client's streamed `submit`, each raising `RateLimitError` with the seconds left in `retry_after`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from limits_helpers import echo_app
from support.clock import FakeClock

import mountui
from mountui.server.app import build_app


def test_the_sync_client_raises_rate_limit_error_with_retry_after(
    serve: Callable[..., str], clock: FakeClock
) -> None:
    base = serve(build_app(echo_app(), rate_limit="2/minute", clock=clock))
    with mountui.Client(base) as client:
        assert client.predict("a", api_name="echo") == "a"
        clock.advance(20)
        assert client.predict("b", api_name="shout") == "B"  # app-wide: every endpoint counts
        with pytest.raises(mountui.RateLimitError) as refused:
            client.predict("c", api_name="echo")
        assert refused.value.retry_after == 40
        assert refused.value.status == 429
        assert "Too many requests, try again in 40 s" in str(refused.value)
        with pytest.raises(mountui.RateLimitError):
            client.submit("d", api_name="echo").result(timeout=10)  # a streamed call is refused the same
        clock.advance(40)
        assert client.predict("e", api_name="echo") == "e"


def test_the_async_client_raises_rate_limit_error_with_retry_after(clock: FakeClock) -> None:
    app = build_app(echo_app(rate_limit="1/hour"), clock=clock)

    async def main() -> None:
        async with app.lifespan():
            transport = httpx.ASGITransport(app=app)
            async with mountui.AsyncClient("http://testserver/", transport=transport) as client:
                assert await client.predict("a", api_name="echo") == "a"
                clock.advance(600)
                with pytest.raises(mountui.RateLimitError) as refused:
                    await client.predict("b", api_name="echo")
                assert refused.value.retry_after == 3000
                job = await client.submit("c", api_name="echo")
                with pytest.raises(mountui.RateLimitError):
                    await job.result()
                assert await client.predict("d", api_name="shout") == "D"  # another endpoint: no limit

    asyncio.run(main())


def test_an_mcp_client_meets_the_same_limit_as_a_tool_error(
    serve: Callable[..., str], clock: FakeClock
) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "mcp"))
    from mcp_helpers import mcp_client

    base = serve(build_app(echo_app(), rate_limit="2/minute", mcp_server=True, clock=clock))
    with mountui.Client(base) as client:
        assert client.predict("a", api_name="echo") == "a"  # the page or a client used one call

    async def main() -> None:
        async with mcp_client(f"{base}/mcp") as mcp:
            fits = await mcp.call_tool("echo", {"s": "b"})
            assert not fits.is_error and fits.content[0].text == "b"
            refused = await mcp.call_tool("shout", {"s": "c"})
            assert refused.is_error
            assert refused.content[0].text == "Too many requests, try again in 60 s"
            clock.advance(60)
            assert (await mcp.call_tool("shout", {"s": "d"})).content[0].text == "D"

    asyncio.run(main())


def test_mcp_resource_reads_and_prompts_count_against_the_app_wide_limit(
    serve: Callable[..., str], clock: FakeClock
) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "mcp"))
    from mcp.shared.exceptions import MCPError
    from mcp_helpers import mcp_client

    demo = echo_app()

    @demo.mcp_resource("notes://today", mime_type="text/plain")
    def today() -> str:
        return "Water the plants."

    @demo.mcp_prompt()
    def review(code: str) -> str:
        return f"Review: {code}"

    base = serve(build_app(demo, rate_limit="2/minute", mcp_server=True, clock=clock))

    async def main() -> None:
        async with mcp_client(f"{base}/mcp") as mcp:
            read = await mcp.read_resource("notes://today")
            assert read.contents[0].text == "Water the plants."
            assert (await mcp.call_tool("echo", {"s": "b"})).content[0].text == "b"  # the second of two
            with pytest.raises(MCPError, match=r"Too many requests, try again in 60 s"):
                await mcp.read_resource("notes://today")
            with pytest.raises(MCPError, match=r"Too many requests"):
                await mcp.get_prompt("review", {"code": "x = 1"})
            clock.advance(60)
            prompt = await mcp.get_prompt("review", {"code": "x = 1"})
            assert prompt.messages[0].content.text == "Review: x = 1"

    asyncio.run(main())
