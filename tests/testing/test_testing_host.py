"""A UI mounted under a prefix of a FastAPI host with its own lifespan: the tester starts and stops the host
as a server would; the asyncio twin; and a running server reached by URL."""

from __future__ import annotations

import contextlib

import pytest
from fastapi import FastAPI
from support.ports import free_port

import mountui
from mountui.testing import AsyncUITester, UITester, UITestError


def host_with_lifespan(log: list[str]) -> FastAPI:
    resources: dict[str, str] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        resources["greeting"] = "Hello from the pool"
        log.append("started")
        yield {"pool": "the pool"}
        resources.clear()
        log.append("stopped")

    app = FastAPI(lifespan=lifespan)

    def greet(name: str, request: mountui.Request) -> str:
        # Both fail unless the host's lifespan ran: its resources, and the state it handed to requests.
        return f"{resources['greeting']} ({request.request.state.pool}), {name}"

    with mountui.Blocks(title="Tools") as demo:
        name = mountui.Textbox(label="Name")
        out = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(greet, name, out)
    return mountui.mount_ui_app(app, demo, path="/apps/tools")


def test_a_ui_under_a_prefix_of_a_host_with_its_own_lifespan():
    log: list[str] = []
    app = host_with_lifespan(log)
    with UITester(app, "/apps/tools") as ui:
        assert log == ["started"]
        ui.fill("Name", "Ada")
        ui.click("Greet")
        assert ui.value("Greeting") == "Hello from the pool (the pool), Ada"
        assert ui.title == "Tools"
    assert log == ["started", "stopped"]  # closing the tester shut the host down

    with UITester(app, "/apps/tools") as again:  # and it starts again for the next test
        again.fill("Name", "Bo")
        again.click("Greet")
        assert again.value("Greeting") == "Hello from the pool (the pool), Bo"
    assert log == ["started", "stopped", "started", "stopped"]


def test_a_wrong_path_says_where_to_look():
    app = host_with_lifespan([])
    with pytest.raises(AssertionError, match=r"no mountui app at http://testserver/ui/.*pass path="):
        UITester(app)


@pytest.mark.anyio
async def test_the_asyncio_twin():
    log: list[str] = []
    async with AsyncUITester(host_with_lifespan(log), "/apps/tools") as ui:
        await ui.fill("Name", "Ada")
        events = await ui.click("Greet")
        assert [e.kind for e in events] == ["started", "complete"]
        assert ui.value("Greeting") == "Hello from the pool (the pool), Ada"
    assert log == ["started", "stopped"]


def test_a_running_server_by_url(serve):
    def count(upto: float):
        for i in range(1, int(upto) + 1):
            yield str(i)

    with mountui.Blocks() as demo:
        upto = mountui.Number(label="Up to", value=3)
        out = mountui.Textbox(label="Counted")
        mountui.Button("Count").click(count, upto, out)
    base = serve(demo.build_app())
    with UITester(base, "/") as ui:
        events = ui.click("Count")
        assert [e.data["data"] for e in events if e.kind == "output"] == [["1"], ["2"], ["3"]]
        assert ui.value("Counted") == "3"


def test_a_url_where_nothing_runs_says_so():
    with pytest.raises(UITestError, match=r"could not reach the app at http://127\.0\.0\.1:\d+/ui/"):
        UITester(f"http://127.0.0.1:{free_port()}", "/ui", timeout=5)
