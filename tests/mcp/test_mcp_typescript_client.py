"""The official TypeScript SDK's client (`@modelcontextprotocol/sdk`, run by node) against the MCP server."""

from __future__ import annotations

import base64
from collections.abc import Callable

from mcp_helpers import SECRET, USERS, Waiter, basic, png, tool_demo
from support.mcpjs import run_plan


def test_typescript_client_lists_calls_follows_progress_and_gets_an_image(serve: Callable[..., str]) -> None:
    url = serve(tool_demo().build_app(mcp_server=True)) + "/mcp"
    answer = run_plan(
        {
            "url": url,
            "steps": [
                {"op": "list"},
                {"op": "call", "name": "greet", "arguments": {"name": "Grace"}},
                {"op": "call", "name": "steps", "arguments": {"n": 3}},
                {"op": "call", "name": "draw"},
                {"op": "call", "name": "report", "arguments": {"title": "ts"}},
            ],
        }
    )
    tools, greeted, stepped, drawn, report = answer["results"]
    by_name = {t["name"]: t for t in tools}
    assert sorted(by_name) == ["add", "count", "draw", "greet", "report", "size", "steps", "wait"]
    assert by_name["greet"]["description"].startswith("Greet someone by name.")
    assert by_name["add"]["inputSchema"]["required"] == ["a"]
    assert by_name["add"]["inputSchema"]["properties"]["a"]["description"] == "the first number"
    assert greeted["result"]["content"] == [{"type": "text", "text": "Hello, Grace! (signed in: None)"}]
    assert stepped["result"]["content"][0]["text"] == "3 steps done"
    assert stepped["progress"][-1] == {"progress": 3, "total": 3, "message": "working"}
    (image,) = drawn["result"]["content"]
    assert image["type"] == "image" and base64.b64decode(image["data"]) == png()
    (link,) = report["result"]["content"]
    assert link["type"] == "resource_link" and link["uri"].startswith(url.removesuffix("/mcp") + "/file/")


def test_typescript_client_cancels_a_call(serve: Callable[..., str]) -> None:
    waiter = Waiter()
    url = serve(tool_demo(waiter).build_app(mcp_server=True)) + "/mcp"
    answer = run_plan({"url": url, "steps": [{"op": "cancel", "name": "wait", "after_ms": 1500}]})
    assert answer["results"] == [{"cancelled": True, "message": answer["results"][0]["message"]}]
    assert waiter.started.is_set()
    assert waiter.stopped.wait(10), "the function kept running after the TypeScript client cancelled"


def test_typescript_client_is_refused_without_credentials_and_let_in_with_them(
    serve: Callable[..., str],
) -> None:
    url = serve(tool_demo().build_app(mcp_server=True, auth=USERS, secret_key=SECRET)) + "/mcp"
    refused = run_plan({"url": url, "steps": [{"op": "list"}]})
    assert refused["code"] == 401, refused
    answer = run_plan(
        {
            "url": url,
            "headers": basic("alice", "wonderland-42"),
            "steps": [{"op": "call", "name": "greet", "arguments": {"name": "Ada"}}],
        }
    )
    assert answer["results"][0]["result"]["content"][0]["text"] == "Hello, Ada! (signed in: alice)"
