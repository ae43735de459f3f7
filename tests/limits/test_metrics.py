"""`metrics=True`: P/metrics in the Prometheus text format, parsed with prometheus_client's own parser, its
numbers moving as calls are made; behind the app's guard, or opened to scrapers by `metrics_token`.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from limits_helpers import call, caller, echo_app, serving_from
from prometheus_client.parser import text_string_to_metric_families
from support.clock import FakeClock

import mountui
from mountui.server.app import UIApp, build_app
from mountui.server.streams import call_events

pytestmark = pytest.mark.anyio

SECRET = "a-test-secret-key-that-is-long-enough-0123456789"
TOKEN = "scraper-token-0123456789abcdef"
BROWSER = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


async def scrape(
    client: httpx.AsyncClient, **headers: str
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of P/metrics: (name, sorted labels) -> value."""
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def failing_app() -> mountui.Blocks:
    def fail(text: str) -> str:
        raise mountui.Error("no")

    with mountui.Blocks() as demo:
        text = mountui.Textbox()
        mountui.Button("Echo").click(lambda s: s, text, text, api_name="echo")
        mountui.Button("Fail").click(fail, text, text, api_name="fail")
    return demo


async def test_calls_errors_and_latency_move_as_calls_are_made() -> None:
    app = build_app(failing_app(), metrics=True)
    async with serving_from(app) as client:
        before = await scrape(client)
        assert before[("mountui_calls_total", (("endpoint", "echo"),))] == 0
        for _ in range(3):
            assert (await call(client, "echo")).status_code == 200
        assert (await call(client, "fail")).status_code == 500
        after = await scrape(client)
    assert after[("mountui_calls_total", (("endpoint", "echo"),))] == 3
    assert after[("mountui_calls_total", (("endpoint", "fail"),))] == 1
    assert after[("mountui_call_errors_total", (("code", "app_error"), ("endpoint", "fail")))] == 1
    assert ("mountui_call_errors_total", (("code", "app_error"), ("endpoint", "echo"))) not in after
    assert after[("mountui_call_duration_seconds_count", (("endpoint", "echo"),))] == 3
    assert after[("mountui_call_duration_seconds_sum", (("endpoint", "echo"),))] >= 0
    assert after[("mountui_queue_wait_seconds_count", (("endpoint", "echo"),))] == 3


async def test_queue_length_and_wait_follow_the_queue() -> None:
    release = asyncio.Event()

    async def slow(text: str) -> str:
        await release.wait()
        return text

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button("Go").click(slow, box, box, api_name="slow", concurrency_limit=1)
    app = build_app(demo, metrics=True)
    async with serving_from(app) as client:
        dep = app.pipeline.endpoint("slow")
        jobs = [await app.pipeline.start(dep, ["x"], caller(), stream=False) for _ in range(3)]
        waiting = await scrape(client)
        assert waiting[("mountui_queue_length", (("endpoint", "slow"),))] == 2
        release.set()
        await asyncio.gather(*(job.done for job in jobs))
        done = await scrape(client)
    assert done[("mountui_queue_length", (("endpoint", "slow"),))] == 0
    assert done[("mountui_queue_wait_seconds_count", (("endpoint", "slow"),))] == 3
    assert done[("mountui_calls_total", (("endpoint", "slow"),))] == 3


async def test_open_event_streams_are_counted_while_read() -> None:
    release = asyncio.Event()

    async def slow(text: str) -> str:
        await release.wait()
        return text

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button("Go").click(slow, box, box, api_name="slow")
    app = build_app(demo, metrics=True)
    async with serving_from(app) as client:
        job = await app.pipeline.start(app.pipeline.endpoint("slow"), ["x"], caller())
        reader = call_events(app.pipeline, job, -1, heartbeat=5)
        await reader.__anext__()  # the browser has the stream open and its first event
        assert (await scrape(client))[("mountui_open_event_streams", ())] == 1
        release.set()
        async for _chunk in reader:
            pass
        assert (await scrape(client))[("mountui_open_event_streams", ())] == 0


async def test_rate_limit_refusals_are_counted(clock: FakeClock) -> None:
    app = build_app(echo_app(), rate_limit="1/minute", metrics=True, clock=clock)
    async with serving_from(app) as client:
        assert [(await call(client)).status_code for _ in range(3)] == [200, 429, 429]
        samples = await scrape(client)
    assert samples[("mountui_rate_limited_calls_total", (("endpoint", "echo"),))] == 2
    assert samples[("mountui_calls_total", (("endpoint", "echo"),))] == 1


async def test_sign_ins_and_failed_sign_ins_are_counted() -> None:
    app = build_app(echo_app(), auth=[("ada", "lovelace-1815")], secret_key=SECRET, metrics=True)
    async with serving_from(app) as client:
        for password in ("wrong", "lovelace-1815"):
            await client.post("/login", data={"username": "ada", "password": password}, headers=BROWSER)
        samples = await scrape(client)  # signed in now (the session cookie): the guard lets ada through
    assert samples[("mountui_sign_ins_total", (("kind", "password"),))] == 1
    assert samples[("mountui_failed_sign_ins_total", (("kind", "password"),))] == 1


async def test_metrics_are_behind_the_guard_and_the_token_opens_that_route_only() -> None:
    app = build_app(
        echo_app(), auth=[("ada", "lovelace-1815")], secret_key=SECRET, metrics=True, metrics_token=TOKEN
    )
    async with serving_from(app) as client:
        assert (await client.get("/metrics")).status_code == 401
        assert (
            await client.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"})
        ).status_code == 401
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert (await scrape(client, **bearer))[("mountui_calls_total", (("endpoint", "echo"),))] == 0
        assert (await client.get("/config", headers=bearer)).status_code == 401
        assert (await client.post("/api/echo", json={"data": ["hi"]}, headers=bearer)).status_code == 401


async def test_a_token_guards_the_metrics_of_an_app_open_to_everyone() -> None:
    app = build_app(echo_app(), metrics=True, metrics_token=TOKEN)
    async with serving_from(app) as client:
        refused = await client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).status_code == 200
        assert (await call(client)).status_code == 200  # the app itself stays open


async def test_without_metrics_there_is_no_metrics_route() -> None:
    app = build_app(echo_app())
    async with serving_from(app) as client:
        assert (await client.get("/metrics")).status_code == 404


def test_metrics_token_without_metrics_is_a_config_error() -> None:
    with pytest.raises(mountui.ConfigError, match="metrics=True"):
        build_app(echo_app(), metrics_token=TOKEN)
    with pytest.raises(mountui.ConfigError, match="metrics_token"):
        build_app(echo_app(), metrics=True, metrics_token="short")


def test_two_mounted_apps_keep_their_own_registries() -> None:
    first: UIApp = build_app(echo_app(), metrics=True)
    second: UIApp = build_app(echo_app(), metrics=True)
    assert first.metrics is not None and second.metrics is not None
    assert first.metrics.registry is not second.metrics.registry
