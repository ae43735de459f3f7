"""The "Use via API" page (`P/docs`): rendered on the server, no script, one inline style sheet allowed by
its hash, light or dark.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import TYPE_CHECKING, Any

from mountui.server.api_snippets import (
    PASSWORD_PLACEHOLDERS,
    TOKEN_PLACEHOLDER,
    AuthKind,
    curl_snippets,
    javascript_snippet,
    python_snippet,
)

if TYPE_CHECKING:
    from mountui.server.api_docs import Endpoint, Value

_LIGHT = (
    "--bg:#f5f6f8;--surface:#fff;--border:#dfe3ea;--text:#171b24;--muted:#5a6272;--accent:#4f46e5;"
    "--code-bg:#f0f2f6;--badge:#eef0ff"
)
_DARK = (
    "--bg:#0d0f14;--surface:#161a22;--border:#2a303c;--text:#e7eaf0;--muted:#9aa3b3;--accent:#8c87ff;"
    "--code-bg:#10131a;--badge:#24254a"
)
STYLE = (
    f":root{{color-scheme:light dark;{_LIGHT};"
    'font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}'
    f"@media (prefers-color-scheme:dark){{:root:not([data-theme=light]){{{_DARK}}}}}"
    f":root[data-theme=dark]{{color-scheme:dark;{_DARK}}}:root[data-theme=light]{{color-scheme:light}}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--text);font-size:15px;line-height:1.55}"
    "main{max-width:960px;margin:0 auto;padding:32px 20px 64px}"
    "h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.25rem;margin:0 0 8px}h2 code{font-size:inherit}"
    "h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:20px 0 8px}"
    "a{color:var(--accent)}p{margin:6px 0}.muted{color:var(--muted)}"
    "section{background:var(--surface);border:1px solid var(--border);border-radius:12px;padding:22px;"
    "margin-top:20px}"
    "code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}"
    "p code,td code,li code{background:var(--code-bg);border-radius:4px;padding:1px 5px}"
    "pre{background:var(--code-bg);border:1px solid var(--border);border-radius:8px;padding:12px 14px;"
    "overflow-x:auto;margin:0 0 12px}"
    "pre code{user-select:all}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--border);vertical-align:top}"
    "th{color:var(--muted);font-weight:600}"
    ".badge{display:inline-block;font-size:12px;font-weight:600;background:var(--badge);color:var(--accent);"
    "border-radius:999px;padding:1px 9px;margin-left:8px;vertical-align:middle}"
    "nav ul{margin:8px 0 0;padding-left:20px}"
    "details summary{cursor:pointer;font-weight:600;margin:8px 0}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
DOCS_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'"  # frame-ancestors: added by the edge (the frame_ancestors setting)
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _e(value: Any) -> str:
    return html.escape(str(value))


def _code(text: str, lang: str, endpoint: str = "", form: str = "") -> str:
    attrs = f' data-snippet="{lang}"'
    if endpoint:
        attrs += f' data-endpoint="{_e(endpoint)}"'
    if form:
        attrs += f' data-form="{form}"'
    return f"<pre><code{attrs}>{_e(text)}</code></pre>"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _value_table(values: list[Value], inputs: bool) -> str:
    if not values:
        return '<p class="muted">None.</p>'
    head = "<th>Name</th><th>Type</th>" + ("<th>Default</th><th>Example</th>" if inputs else "")
    rows = []
    for v in values:
        kind = "file: a local path or bytes" if v.file == "single" else v.python_type
        kind = "list of files: local paths or bytes" if v.file == "multiple" else kind
        if not inputs and v.file:
            kind = "file: downloaded, a local path" + (" (a list)" if v.file == "multiple" else "")
        label = f'<br><span class="muted">{_e(v.component)}{": " + _e(v.label) if v.label else ""}</span>'
        cells = f"<td><code>{_e(v.name)}</code>{label}</td><td><code>{_e(kind)}</code></td>"
        if inputs:
            default = f"<code>{_e(_json(v.default))}</code>" if v.has_default else "required"
            cells += f"<td>{default}</td><td><code>{_e(_json(v.example))}</code></td>"
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _auth_section(url: str, auth: AuthKind) -> str:
    parts = ['<section id="auth"><h2>Authentication</h2>']
    if not auth.names():
        parts.append("<p>This app is open: calls need no credentials.</p>")
    if auth.password:
        user, password = PASSWORD_PLACEHOLDERS
        parts.append(
            "<p>This app asks for a username and password. The Python client signs in for you with "
            f"<code>auth=(&quot;{user}&quot;, &quot;{password}&quot;)</code>. Other clients post the form fields "
            "<code>username</code> and <code>password</code> to <code>login</code> once and send the session "
            "cookie it sets with every request:</p>"
        )
        parts.append(
            _code(f"curl -sS -c cookies.txt -d username={user} -d password={password} {url}login\n", "text")
        )
    if auth.oauth:
        parts.append(
            "<p>This app signs people in with an identity provider. Sign in with a browser, then give the "
            "Python client that session's cookie: <code>Client(url, cookies={...})</code>.</p>"
        )
    if auth.host:
        parts.append(
            "<p>This app is protected by the service it is part of: send the credentials that service "
            "expects with every request, for example a header: <code>Client(url, headers={&quot;Authorization&quot;: "
            f"&quot;Bearer {TOKEN_PLACEHOLDER}&quot;}})</code> in Python, <code>-H</code> with curl. The "
            "snippets below show an <code>Authorization</code> header; use whichever your service reads.</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def render_docs_page(
    title: str,
    url: str,
    endpoints: list[Endpoint],
    auth: AuthKind,
    theme: str | None,
    mcp_section: str = "",
) -> str:
    theme_attr = f' data-theme="{theme}"' if theme in ("light", "dark") else ""
    nav = "".join(
        f'<li><a href="#{_e(ep.name)}"><code>{_e(ep.name)}</code></a>'
        f"{' <span class=muted>(streams)</span>' if ep.stream else ''}</li>"
        for ep in endpoints
    )
    body = [
        f"<header><h1>{_e(title)}: use via API</h1>"
        f'<p class="muted">Base URL <code>{_e(url)}</code> · {len(endpoints)} endpoint(s) · '
        '<a href="openapi.json">OpenAPI document</a> · <a href="./">back to the app</a></p></header>',
        '<section id="start"><h2>Getting started</h2>'
        "<p>Call these endpoints from Python with the mountui client (<code>pip install mountui</code>; it "
        "needs only httpx), from JavaScript with <code>fetch</code>, or with curl. Every call is "
        "<code>POST api/&lt;name&gt;</code> with the body <code>{&quot;data&quot;: [...]}</code>, one value per "
        "parameter in order; the answer is <code>{&quot;data&quot;: [...]}</code>, one value per output, or a "
        "stream of Server-Sent Events with <code>Accept: text/event-stream</code>. Errors are "
        "<code>{&quot;error&quot;: {&quot;code&quot;, &quot;message&quot;}}</code>. Files are uploaded first "
        "with <code>POST upload</code> (multipart field <code>files</code>) and passed as "
        "<code>{&quot;id&quot;: ...}</code>.</p>"
        + (
            f"<nav><ul>{nav}</ul></nav>"
            if endpoints
            else '<p class="muted">This app has no API endpoints.</p>'
        )
        + "</section>",
        _auth_section(url, auth),
        mcp_section,  # the MCP server's URL and client snippets (mcp_server=True)
    ]
    for ep in endpoints:
        badge = '<span class="badge">streams</span>' if ep.stream else ""
        call, stream = curl_snippets(ep, url, auth)
        body.append(
            f'<section id="{_e(ep.name)}"><h2><code>{_e(ep.name)}</code>{badge}</h2>'
            f'<p class="muted"><code>POST {_e(url)}api/{_e(ep.name)}</code></p>'
            + (f"<p>{_e(ep.description)}</p>" if ep.description else "")
            + "<h3>Parameters</h3>"
            + _value_table(ep.parameters, inputs=True)
            + "<h3>Returns</h3>"
            + _value_table(ep.returns, inputs=False)
            + (
                '<p class="muted">A generator: it streams partial results (<code>output</code> events) '
                "before the final one.</p>"
                if ep.stream
                else ""
            )
            + "<h3>Python</h3>"
            + _code(python_snippet(ep, url, auth), "python", ep.name)
            + "<h3>JavaScript</h3>"
            + _code(javascript_snippet(ep, url, auth), "javascript", ep.name)
            + "<h3>curl</h3>"
            + _code(call, "curl", ep.name, "json")
            + '<p class="muted">The same call as a stream of events (<code>-N</code> shows each as it comes):</p>'
            + _code(stream, "curl", ep.name, "sse")
            + "</section>"
        )
    return (
        f'<!doctype html><html lang="en"{theme_attr}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f'<title>{_e(title)}: API</title><link rel="icon" href="favicon.ico">'
        f"<style>{STYLE}</style></head><body><main>{''.join(body)}</main></body></html>"
    )
