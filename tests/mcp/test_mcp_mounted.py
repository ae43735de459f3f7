"""The MCP server of an app mounted at `/ui` of a FastAPI host, alone and behind nginx's path prefix: URLs
(the tools' file links) follow the mount and the prefix, and the host's own sign-in guards it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI
from mcp_helpers import mcp_client, refusal, run, tool_demo
from support.mcpjs import run_plan

import mountui

NGINX_SNIPPET = Path(__file__).resolve().parents[2] / "docs" / "deploy-nginx.conf"
PREFIX = "/apps/demo"
TOKEN = {"Authorization": "Bearer host-issued-token"}


def host_app() -> FastAPI:
    host = FastAPI()

    @host.get("/ping")
    def ping() -> dict[str, str]:
        return {"host": "ok"}

    def signed_in(request) -> str | None:
        return "svc" if request.headers.get("authorization") == TOKEN["Authorization"] else None

    return mountui.mount_ui_app(host, tool_demo(), "/ui", auth_dependency=signed_in, mcp_server=True)


async def tools_and_report(url: str) -> tuple[list[str], str, str]:
    async with mcp_client(url, TOKEN) as client:
        tools = [t.name for t in (await client.list_tools()).tools]
        greeting = await client.call_tool("greet", {"name": "Ada"})
        report = await client.call_tool("report", {"title": "mounted"})
        return tools, greeting.content[0].text, str(report.content[0].uri)


def test_mounted_at_ui_of_a_fastapi_host(serve: Callable[..., str]) -> None:
    base = serve(host_app())
    assert httpx.get(base + "/ping").json() == {"host": "ok"}
    assert run(refusal(base + "/ui/mcp"))[0] == 401
    tools, greeting, link = run(tools_and_report(base + "/ui/mcp"))
    assert "greet" in tools and greeting == "Hello, Ada! (signed in: svc)"
    assert link.startswith(base + "/ui/file/")
    assert httpx.get(link, headers=TOKEN).text == "Report: mounted\n"


def test_behind_nginx_under_a_path_prefix(serve: Callable[..., str], nginx: Callable[..., str]) -> None:
    upstream = serve(host_app())
    snippet = NGINX_SNIPPET.read_text().replace("http://127.0.0.1:8000/", upstream + "/")
    proxy = nginx(snippet)
    url = f"{proxy}{PREFIX}/ui/mcp"
    assert run(refusal(url))[0] == 401
    tools, greeting, link = run(tools_and_report(url))
    assert "greet" in tools and greeting == "Hello, Ada! (signed in: svc)"
    # The file link is the address the client sees: nginx's, with the prefix.
    assert link.startswith(f"{proxy}{PREFIX}/ui/file/")
    assert httpx.get(link, headers=TOKEN).text == "Report: mounted\n"
    # The TypeScript client too, with progress streamed through the proxy.
    answer = run_plan(
        {"url": url, "headers": TOKEN, "steps": [{"op": "call", "name": "steps", "arguments": {"n": 2}}]}
    )
    (stepped,) = answer["results"]
    assert stepped["result"]["content"][0]["text"] == "2 steps done"
    assert stepped["progress"][-1]["progress"] == 2
    page = httpx.get(url, headers={"Accept": "text/html", **TOKEN})
    assert f"{proxy}{PREFIX}/ui/mcp" in page.text


def test_any_worker_answers_any_mcp_request(serve: Callable[..., str], nginx: Callable[..., str]) -> None:
    # Two servers of one app behind nginx's round robin, as `uvicorn --workers 2` behind a load balancer:
    # the MCP server keeps no session between requests, so a client's requests may land on either.
    seen: dict[str, int] = {"a": 0, "b": 0}

    def counting(worker: str) -> Callable[..., str | None]:
        def signed_in(request) -> str | None:
            if request.headers.get("authorization") != TOKEN["Authorization"]:
                return None
            seen[worker] += 1
            return "svc"

        return signed_in

    upstreams = [
        serve(tool_demo().build_app(mcp_server=True, auth_dependency=counting(w))).removeprefix("http://")
        for w in seen
    ]
    servers = "".join(f"server {u};" for u in upstreams)
    proxy = nginx(
        'location / { proxy_pass http://workers; proxy_http_version 1.1; proxy_set_header Connection ""; }',
        http_extra=f"upstream workers {{ {servers} }}",
    )

    async def session() -> list[str]:
        async with mcp_client(proxy + "/mcp", TOKEN) as client:
            tools = [t.name for t in (await client.list_tools()).tools]
            answers = [(await client.call_tool("greet", {"name": str(i)})).content[0].text for i in range(4)]
            return [*tools, *answers]

    names = run(session())
    assert "greet" in names and "Hello, 3! (signed in: svc)" in names
    assert seen["a"] > 0 and seen["b"] > 0, seen
