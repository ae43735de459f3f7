"""An MCP client (the `mcp` SDK's Streamable HTTP client) using an app's endpoints as tools."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable

import httpx
import pytest
from mcp_helpers import Waiter, mcp_client, png, run, tool_demo

import mountui


@pytest.fixture
def waiter() -> Waiter:
    return Waiter()


@pytest.fixture
def app_url(serve: Callable[..., str], waiter: Waiter) -> str:
    return serve(tool_demo(waiter).build_app(mcp_server=True))


def test_tools_are_the_api_endpoints_with_their_schemas_and_descriptions(app_url: str) -> None:
    async def scenario():
        async with mcp_client(app_url + "/mcp") as client:
            return {t.name: t for t in (await client.list_tools()).tools}

    tools = run(scenario())
    assert sorted(tools) == ["add", "count", "draw", "greet", "report", "size", "steps", "wait"]
    greet = tools["greet"]
    assert greet.description == "Greet someone by name.\n\nThe greeting names who is signed in, too."
    # The same schema and default as api_info and OpenAPI (a Textbox starts empty), described from Args:.
    assert greet.input_schema["properties"]["name"] == {
        "type": "string",
        "description": 'who to greet, such as "Ada".',
        "default": "",
    }
    # NumPy-style docstrings describe arguments too; api_description= wins over the docstring.
    assert tools["count"].input_schema["properties"]["upto"]["description"] == "the last number to count"
    assert tools["report"].description == "Write a one-line report."
    # A function exposed with demo.api(), typed from its annotations.
    add = tools["add"].input_schema
    assert add["required"] == ["a"]
    assert add["properties"]["b"]["default"] == 0.5
    assert {"enum": ["m", "km"], "type": "string"} in add["properties"]["unit"]["anyOf"]
    assert add["properties"]["unit"]["description"] == "the unit of both"
    # A file argument: a URL of this app, or the content in base64.
    assert "anyOf" in tools["size"].input_schema["properties"]["path"]


def test_calling_tools_gives_text_progress_an_image_and_a_file_link(app_url: str) -> None:
    async def scenario():
        async with mcp_client(app_url + "/mcp") as client:
            greeting = await client.call_tool("greet", {"name": "Ada"})
            added = await client.call_tool("add", {"a": 2, "unit": "km"})
            updates: list[tuple[float, float | None, str | None]] = []

            async def on_progress(progress: float, total: float | None, message: str | None) -> None:
                updates.append((progress, total, message))

            stepped = await client.call_tool("steps", {"n": 3}, progress_callback=on_progress)
            partials: list[tuple[float, float | None, str | None]] = []

            async def on_partial(progress: float, total: float | None, message: str | None) -> None:
                partials.append((progress, total, message))

            counted = await client.call_tool("count", {"upto": 3}, progress_callback=on_partial)
            drawn = await client.call_tool("draw", {})
            report = await client.call_tool("report", {"title": "Q3"})
            return greeting, added, stepped, updates, counted, partials, drawn, report

    greeting, added, stepped, updates, counted, partials, drawn, report = run(scenario())
    assert not greeting.is_error
    assert greeting.content[0].text == "Hello, Ada! (signed in: None)"
    assert added.content[0].text == "2.5 km"
    assert stepped.content[0].text == "3 steps done"
    assert updates[-1] == (3.0, 3.0, "working")
    assert [u[0] for u in updates] == sorted(u[0] for u in updates)
    # A generator: each partial output is progress, its last value the result.
    assert counted.content[0].text == "3"
    assert [m for _, _, m in partials] == ["1", "2", "3"]
    image = drawn.content[0]
    assert image.type == "image" and image.mime_type == "image/png"
    assert base64.b64decode(image.data) == png()
    link = report.content[0]
    assert link.type == "resource_link" and link.name == "report.txt"
    assert str(link.uri).startswith(app_url + "/file/")
    assert httpx.get(str(link.uri)).text == "Report: Q3\n"


def test_file_arguments_are_base64_or_a_file_of_this_app_never_another_address(app_url: str) -> None:
    async def scenario():
        async with mcp_client(app_url + "/mcp") as client:
            sent = await client.call_tool(
                "size", {"path": {"name": "notes.txt", "data": base64.b64encode(b"12345").decode()}}
            )
            report = await client.call_tool("report", {"title": "again"})
            again = await client.call_tool("size", {"path": str(report.content[0].uri)})
            foreign = await client.call_tool("size", {"path": "http://203.0.113.5/file/abc"})
            return sent, again, foreign

    sent, again, foreign = run(scenario())
    assert sent.content[0].text == "notes.txt: 5 bytes"
    assert again.content[0].text == "report.txt: 14 bytes"
    assert foreign.is_error
    assert "is not a file of this app" in foreign.content[0].text


def test_wrong_arguments_and_pipeline_refusals_are_tool_errors(serve: Callable[..., str]) -> None:
    waiter = Waiter()
    url = serve(tool_demo(waiter).build_app(mcp_server=True, max_queue_size=1))

    async def scenario():
        async with mcp_client(url + "/mcp") as client:
            wrong = await client.call_tool("add", {"a": "two"})
            missing = await client.call_tool("add", {})
            # The page's call runs, an MCP call waits: the one queue (max_queue_size=1) is full for a third.
            page = httpx.AsyncClient(timeout=20)
            running = asyncio.create_task(page.post(url + "/api/wait", json={"data": []}))
            await asyncio.to_thread(waiter.started.wait, 10)
            waiting = asyncio.create_task(client.call_tool("wait", {}))
            await asyncio.sleep(0.5)
            full = await client.call_tool("wait", {})
            running.cancel()
            waiting.cancel()
            await asyncio.gather(running, waiting, return_exceptions=True)
            await page.aclose()
            return wrong, missing, full

    wrong, missing, full = run(scenario())
    assert wrong.is_error and "a:" in wrong.content[0].text
    assert missing.is_error and "needs the argument 'a'" in missing.content[0].text
    assert full.is_error and "queue" in full.content[0].text


def test_cancelling_the_mcp_request_cancels_the_call(app_url: str, waiter: Waiter) -> None:
    async def scenario():
        async with mcp_client(app_url + "/mcp") as client:
            call = asyncio.create_task(client.call_tool("wait", {}))
            assert await asyncio.to_thread(waiter.started.wait, 10)
            call.cancel()
            await asyncio.gather(call, return_exceptions=True)
            return await asyncio.to_thread(waiter.stopped.wait, 10)

    assert run(scenario()), "the function kept running after the MCP request was cancelled"


def test_resources_and_prompts(app_url: str) -> None:
    async def scenario():
        async with mcp_client(app_url + "/mcp") as client:
            listed = await client.list_resources()
            templates = await client.list_resource_templates()
            today = await client.read_resource("notes://today")
            named = await client.read_resource("notes://by-name/shopping")
            prompts = await client.list_prompts()
            prompt = await client.get_prompt("review", {"code": "x = 1"})
            return listed, templates, today, named, prompts, prompt

    listed, templates, today, named, prompts, prompt = run(scenario())
    assert [(str(r.uri), r.description) for r in listed.resources] == [("notes://today", "Today's note.")]
    assert [t.uri_template for t in templates.resource_templates] == ["notes://by-name/{name}"]
    assert today.contents[0].text == "Water the plants."
    assert named.contents[0].text == "Note shopping"
    (review,) = prompts.prompts
    assert [(a.name, a.required) for a in review.arguments] == [("code", True), ("language", False)]
    assert prompt.messages[0].content.text == "Review this Python code:\nx = 1"


def test_a_browser_opening_the_mcp_address_gets_a_page_for_people(app_url: str) -> None:
    page = httpx.get(app_url + "/mcp", headers={"Accept": "text/html,*/*"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "MCP server of Tool shop" in page.text
    assert f"{app_url}/mcp" in page.text and "mcpServers" in page.text
    assert "jsonrpc" not in page.text


def test_without_mcp_server_there_is_no_mcp_route(serve: Callable[..., str]) -> None:
    url = serve(tool_demo().build_app())
    assert httpx.post(url + "/mcp", json={}).status_code == 404


def test_api_functions_have_no_ui_but_an_endpoint(serve: Callable[..., str]) -> None:
    with mountui.Blocks() as demo:

        @mountui.api(api_name="plus")
        def plus(a: int, b: int) -> int:
            return a + b

    url = serve(demo.build_app())
    assert httpx.post(url + "/api/plus", json={"data": [2, 3]}).json() == {"data": [5]}
    config = httpx.get(url + "/config").json()
    assert config["layout"]["children"] == []
