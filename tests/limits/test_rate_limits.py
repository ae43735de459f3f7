"""Rate limits through the HTTP API, in process: per user and per address, per endpoint and app-wide,
several windows, the reset after a window (the app's clock is turned, nothing sleeps), and forwarded
addresses believed only from trusted proxies.
"""

from __future__ import annotations

import pytest
from limits_helpers import call, caller, echo_app, serving_from, statuses
from support.clock import FakeClock

import mountui
from mountui.errors import CallError
from mountui.server.app import build_app

pytestmark = pytest.mark.anyio


async def test_a_caller_over_the_limit_gets_429_with_the_time_left(clock: FakeClock) -> None:
    app = build_app(echo_app(), rate_limit="2/minute", clock=clock)
    async with serving_from(app) as client:
        assert await statuses(client, 1) == [200]
        clock.advance(15)
        assert await statuses(client, 1) == [200]
        refused = await call(client)
        assert refused.status_code == 429
        # The first call leaves the window 60 s after it was made: 45 s from now.
        assert refused.headers["retry-after"] == "45"
        assert refused.json() == {
            "error": {"code": "rate_limited", "message": "Too many requests, try again in 45 s"}
        }
        clock.advance(45)
        assert await statuses(client, 2) == [200, 429]  # the first call has left the window, not the second
        assert (await call(client)).headers["retry-after"] == "15"
        clock.advance(15)
        assert await statuses(client, 1) == [200]


async def test_addresses_are_counted_apart(clock: FakeClock) -> None:
    app = build_app(echo_app(), rate_limit="1/minute", clock=clock)
    async with serving_from(app, "203.0.113.7") as first, serving_from(app, "198.51.100.2") as second:
        assert await statuses(first, 2) == [200, 429]
        assert await statuses(second, 2) == [200, 429]


async def test_signed_in_users_are_counted_by_name_wherever_they_call_from(clock: FakeClock) -> None:
    app = build_app(
        echo_app(),
        rate_limit="2/minute",
        auth_dependency=lambda request: request.headers.get("x-user"),
        clock=clock,
    )
    async with serving_from(app, "203.0.113.7") as office, serving_from(app, "198.51.100.2") as home:
        assert await statuses(office, 1, x_user="ada") == [200]
        assert await statuses(home, 2, x_user="ada") == [200, 429]  # one budget for ada, from both places
        assert await statuses(home, 2, x_user="grace") == [200, 200]  # grace has her own


async def test_an_endpoint_limit_and_the_app_wide_limit_both_count(clock: FakeClock) -> None:
    app = build_app(echo_app(rate_limit="1/minute"), rate_limit="3/minute", clock=clock)
    async with serving_from(app) as client:
        assert await statuses(client, 2, "echo") == [200, 429]
        # The refused call counted nowhere: two more calls fit in the app-wide 3, then none.
        assert await statuses(client, 3, "shout") == [200, 200, 429]
        clock.advance(60)
        assert await statuses(client, 1, "echo") == [200]


async def test_an_endpoint_limit_alone_leaves_other_endpoints_free(clock: FakeClock) -> None:
    app = build_app(echo_app(rate_limit="1/hour"), clock=clock)
    async with serving_from(app) as client:
        assert await statuses(client, 2, "echo") == [200, 429]
        assert await statuses(client, 5, "shout") == [200] * 5
        refused = await call(client, "echo")
        assert refused.headers["retry-after"] == "3600"


async def test_several_windows_each_hold(clock: FakeClock) -> None:
    app = build_app(echo_app(), rate_limit="2/second;3/minute", clock=clock)
    async with serving_from(app) as client:
        assert await statuses(client, 3) == [200, 200, 429]
        assert (await call(client)).headers["retry-after"] == "1"  # the short window decides
        clock.advance(1)
        assert await statuses(client, 2) == [200, 429]
        refused = await call(client)
        assert refused.headers["retry-after"] == "59"  # now the minute's three are used up
        clock.advance(59)
        assert await statuses(client, 1) == [200]


async def test_forwarded_addresses_count_only_from_trusted_proxies(clock: FakeClock) -> None:
    trusted = build_app(echo_app(), rate_limit="1/minute", trusted_proxies=["10.0.0.1"], clock=clock)
    async with serving_from(trusted, "10.0.0.1") as proxy:
        # Behind the proxy: each browser is counted by its own address.
        assert await statuses(proxy, 2, x_forwarded_for="203.0.113.7") == [200, 429]
        assert await statuses(proxy, 1, x_forwarded_for="198.51.100.2") == [200]
    untrusted = build_app(echo_app(), rate_limit="1/minute", trusted_proxies=["10.0.0.1"], clock=clock)
    async with serving_from(untrusted, "192.0.2.66") as anyone:
        # From anyone else the header is ignored: a made-up address does not buy a fresh budget.
        assert await statuses(anyone, 1, x_forwarded_for="203.0.113.7") == [200]
        assert await statuses(anyone, 1, x_forwarded_for="198.51.100.2") == [429]


async def test_rate_limit_key_decides_who_is_counted(clock: FakeClock) -> None:
    async def by_api_key(request: object) -> str | None:
        return request.headers.get("x-api-key")  # type: ignore[attr-defined]

    app = build_app(echo_app(), rate_limit="1/minute", rate_limit_key=by_api_key, clock=clock)
    async with serving_from(app, "203.0.113.7") as first, serving_from(app, "198.51.100.2") as second:
        assert await statuses(first, 1, x_api_key="team-a") == [200]
        assert await statuses(second, 1, x_api_key="team-a") == [429]  # same key, another address
        assert await statuses(second, 1, x_api_key="team-b") == [200]
        assert await statuses(second, 1) == [200]  # no key: counted by address, as by default


async def test_a_streamed_call_is_refused_before_its_stream_opens(clock: FakeClock) -> None:
    app = build_app(echo_app(), rate_limit="1/minute", clock=clock)
    async with serving_from(app) as client:
        sse = {"accept": "text/event-stream"}
        assert (await call(client, **sse)).status_code == 200
        refused = await call(client, **sse)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/json"
        assert refused.headers["retry-after"] == "60"


async def test_pipeline_start_raises_the_refusal_for_any_caller(clock: FakeClock) -> None:
    # Whatever enters through Pipeline.start (the MCP tool layer too) meets the limit as a CallError.
    app = build_app(echo_app(), rate_limit="1/minute", clock=clock)
    async with app.lifespan():
        dep = app.pipeline.endpoint("echo")
        await app.pipeline.start(dep, ["hi"], caller("ada"), stream=False)
        with pytest.raises(CallError) as refused:
            await app.pipeline.start(dep, ["hi"], caller("ada"), stream=False)
        assert (refused.value.status, refused.value.code) == (429, "rate_limited")
        assert refused.value.headers == {"Retry-After": "60"}


async def test_listeners_sharing_a_concurrency_id_share_the_endpoint_budget(clock: FakeClock) -> None:
    # An Interface's Submit button and its textbox's Enter are two listeners of one endpoint.
    demo = mountui.Interface(lambda text: text, "text", "text", rate_limit="1/minute")
    app = build_app(demo, clock=clock)
    submit_by_enter = next(d.endpoint for d in demo.dependencies if d.concurrency_id == "predict")
    async with serving_from(app) as client:
        assert await statuses(client, 1, "predict") == [200]
        assert await statuses(client, 1, submit_by_enter) == [429]


async def test_clearing_an_interface_is_never_limited(clock: FakeClock) -> None:
    demo = mountui.Interface(lambda text: text, "text", "text")
    clear = next(d.endpoint for d in demo.dependencies if d.rate_limit is False)
    app = build_app(demo, rate_limit="1/minute", clock=clock)
    async with serving_from(app) as client:
        assert await statuses(client, 2, "predict") == [200, 429]
        response = await client.post(f"/api/{clear}", json={"data": []})
        assert response.status_code == 200


@pytest.mark.parametrize("spec", ["20 a minute", "5/fortnight", "0/second", "", "5/second;"])
def test_a_limit_that_cannot_be_read_fails_at_start_up(spec: str) -> None:
    with pytest.raises(mountui.ConfigError, match="rate"):
        build_app(echo_app(), rate_limit=spec)
    with mountui.Blocks(), pytest.raises(mountui.ConfigError, match="rate limit"):
        mountui.Button("Go").click(lambda: None, rate_limit=spec)


def test_limits_read_the_way_they_are_written() -> None:
    app = build_app(echo_app(rate_limit="10 per 30 seconds"), rate_limit="5/second; 100/hour")
    assert app.pipeline.limits.plans["echo"] == (
        ("app", 5, 1.0),
        ("app", 100, 3600.0),
        ("endpoint:echo", 10, 30.0),
    )


def test_an_unlimited_app_checks_nothing() -> None:
    app = build_app(echo_app())
    assert app.pipeline.limits.plans == {}
