"""What a person sees of the MCP server: the page at `P/mcp` in a browser, and the configuration snippets
for MCP clients (also shown on the docs page)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any


def server_key(title: str) -> str:
    """A name for the server in a client's configuration: the app's title, lower-case, dashes."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "mountui"


def client_configs(title: str, url: str) -> list[tuple[str, str]]:
    """(client, JSON to paste into its MCP configuration) for Claude Desktop, Cursor and VS Code."""
    key = server_key(title)
    claude = {"mcpServers": {key: {"command": "npx", "args": ["-y", "mcp-remote", url]}}}
    cursor = {"mcpServers": {key: {"url": url}}}
    vscode = {"servers": {key: {"type": "http", "url": url}}}
    return [
        ("Claude Desktop (claude_desktop_config.json)", json.dumps(claude, indent=2)),
        ("Cursor (.cursor/mcp.json)", json.dumps(cursor, indent=2)),
        ("VS Code (.vscode/mcp.json)", json.dumps(vscode, indent=2)),
    ]


def render_config_section(title: str, url: str) -> str:
    """An HTML section with the MCP URL and the clients' snippets."""
    e = html.escape
    parts = [
        '<section id="mcp"><h2>MCP server</h2>',
        f"<p>Connect an MCP client (Claude Desktop, Cursor, VS Code, ...) to <code>{e(url)}</code> "
        "(Streamable HTTP). Each endpoint is a tool. Sign-in applies: send the same credentials as the API "
        "(<code>Authorization: Basic</code> for password apps, <code>Authorization: Bearer</code> with the "
        "provider's access token for OAuth apps).</p>",
    ]
    for client, snippet in client_configs(title, url):
        parts.append(f"<h3>{e(client)}</h3><pre><code>{e(snippet)}</code></pre>")
    parts.append("</section>")
    return "".join(parts)


def render_mcp_page(title: str, url: str, tools: Mapping[str, Any]) -> str:
    e = html.escape
    listed = "".join(
        f"<li><code>{e(name)}</code>: {e(tool.description.splitlines()[0] if tool.description else '')}</li>"
        for name, tool in tools.items()
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>MCP server · {e(title)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
        "pre{background:#f4f4f5;padding:.75rem;overflow:auto}code{font-size:.9em}</style></head><body>"
        f"<h1>MCP server of {e(title)}</h1>"
        "<p>This address is for MCP clients, not for browsers: AI assistants call the app's functions "
        'here as tools. <a href="./">Open the app</a> · <a href="docs">Use via API</a></p>'
        f"<h2>Tools</h2><ul>{listed or '<li>none</li>'}</ul>"
        + render_config_section(title, url)
        + "</body></html>"
    )
