"""The official TypeScript SDK's client (`@modelcontextprotocol/sdk`, run by node) against the MCP server."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable

from mcp_helpers import SECRET, USERS, Waiter, basic, oauth_access_token, oauth_demo, png, tool_demo
from support.mcpjs import run_plan
from support.oidc import OIDCProvider

import mountui


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


def test_typescript_client_with_a_bearer_token_of_the_host(serve: Callable[..., str]) -> None:
    def from_bearer(request) -> str | None:
        return "robot" if request.headers.get("authorization") == "Bearer host-token" else None

    url = serve(tool_demo().build_app(mcp_server=True, auth_dependency=from_bearer)) + "/mcp"
    assert run_plan({"url": url, "steps": [{"op": "list"}]})["code"] == 401
    call = {"op": "call", "name": "greet", "arguments": {"name": "Ada"}}
    answer = run_plan({"url": url, "headers": {"Authorization": "Bearer host-token"}, "steps": [call]})
    assert answer["results"][0]["result"]["content"][0]["text"] == "Hello, Ada! (signed in: robot)"


def test_typescript_client_with_the_oauth_providers_token(
    serve: Callable[..., str], oidc_provider: OIDCProvider
) -> None:
    client_id, client_secret = f"mcp-ts-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    oauth = mountui.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret)
    base = serve(oauth_demo().build_app(mcp_server=True, oauth=oauth, require_login=True, secret_key=SECRET))
    oidc_provider.register_client(client_id, client_secret, [f"{base}/oauth/callback"])
    assert run_plan({"url": base + "/mcp", "steps": [{"op": "list"}]})["code"] == 401
    token = oauth_access_token(base, "alice")
    call = {"op": "call", "name": "greet", "arguments": {"name": "Ada"}}
    answer = run_plan(
        {"url": base + "/mcp", "headers": {"Authorization": f"Bearer {token}"}, "steps": [call]}
    )
    assert (
        answer["results"][0]["result"]["content"][0]["text"] == "Hello, Ada! (signed in: alice@example.com)"
    )
