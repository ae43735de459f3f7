"""The host's lifespan as a server runs it, and the limits of waiting for a page to settle."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

import mountui
from mountui.testing import UITester, UITestError


def greeter() -> mountui.Blocks:
    with mountui.Blocks() as demo:
        name = mountui.Textbox(label="Name")
        out = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(lambda n: f"Hello, {n}!", name, out)
    return demo


def test_an_app_that_does_not_speak_lifespan_is_used_as_it_is():
    ui_app = greeter().build_app()

    async def no_lifespan(scope, receive, send):
        if scope["type"] == "lifespan":
            raise RuntimeError("this app has no lifespan")
        await ui_app(scope, receive, send)

    with UITester(no_lifespan, "/") as ui:
        ui.fill("Name", "Ada")
        ui.click("Greet")
        assert ui.value("Greeting") == "Hello, Ada!"


def test_a_failing_startup_fails_the_test_with_its_message():
    @contextlib.asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("the database is not there")
        yield

    host = Starlette(routes=[Mount("/ui", greeter().build_app())], lifespan=lifespan)
    with pytest.raises(UITestError, match=r"(?s)lifespan startup failed: .*the database is not there"):
        UITester(host)


def test_an_action_that_does_not_finish_in_time_says_what_still_runs():
    async def stuck() -> str:
        await asyncio.sleep(30)
        return "never"

    with mountui.Blocks() as demo:
        out = mountui.Textbox(label="Out")
        mountui.Button("Wait").click(stuck, None, out, api_name="stuck")

    started = time.monotonic()
    ui = UITester(demo.build_app(shutdown_grace=0.1), "/", timeout=0.5)
    try:
        with pytest.raises(UITestError, match=r"still running after 0\.5 s: stuck"):
            ui.click("Wait")
    finally:
        ui.close()
    assert time.monotonic() - started < 10
