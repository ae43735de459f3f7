"""Where people learn the MCP server's address: the page's footer and the docs page, with snippets for the
usual MCP clients; an app without the server mentions none."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from mcp_helpers import tool_demo
from playwright.sync_api import Page, expect

import mountui


def test_the_page_footer_shows_the_mcp_address(serve: Callable[..., str], page: Page) -> None:
    host = FastAPI()
    mountui.mount_ui_app(host, tool_demo(), "/ui", mcp_server=True)
    base = serve(host)
    page.goto(base + "/ui/")
    link = page.get_by_role("link", name=re.compile("^MCP: "))
    expect(link).to_have_text(f"MCP: {base}/ui/mcp")
    link.click()
    expect(page.get_by_role("heading", name="MCP server of Tool shop")).to_be_visible()


def test_no_mcp_link_without_the_server(serve: Callable[..., str], page: Page) -> None:
    page.goto(serve(tool_demo().build_app()) + "/")
    expect(page.get_by_role("link", name="Use via API")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^MCP"))).to_have_count(0)


def test_the_docs_page_has_the_url_and_client_configurations(serve: Callable[..., str]) -> None:
    base = serve(tool_demo().build_app(mcp_server=True))
    docs = httpx.get(base + "/docs").text
    assert f"<code>{base}/mcp</code>" in docs
    snippets = {
        name: json.loads(body.replace("&quot;", '"'))
        for name, body in re.findall(r"<h3>([^<]+)</h3><pre><code>(.*?)</code></pre>", docs, re.S)
        if body.lstrip().startswith("{")
    }
    assert snippets["Cursor (.cursor/mcp.json)"] == {"mcpServers": {"tool-shop": {"url": f"{base}/mcp"}}}
    assert snippets["VS Code (.vscode/mcp.json)"] == {
        "servers": {"tool-shop": {"type": "http", "url": f"{base}/mcp"}}
    }
    claude = snippets["Claude Desktop (claude_desktop_config.json)"]["mcpServers"]["tool-shop"]
    assert claude == {"command": "npx", "args": ["-y", "mcp-remote", f"{base}/mcp"]}
    assert "MCP server" not in httpx.get(serve(tool_demo().build_app()) + "/docs").text
