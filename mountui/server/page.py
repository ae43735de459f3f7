"""The HTML page at P/: the configuration inline as a JSON data block, the built bundle from static/."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import orjson

from mountui.server.static import StaticAssets

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# The page runs no inline script: the config block is data (type application/json), not code. Its
# `frame-ancestors` comes from the frame_ancestors setting, added to every HTML answer by the edge.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def json_for_script(value: Any) -> str:
    # Escape what could end the <script> element or start a comment inside it.
    text = orjson.dumps(value).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(config: dict[str, Any], assets: StaticAssets, extra_head: Sequence[str] = ()) -> str:
    css = assets.manifest.get("css")
    js = assets.manifest.get("js")
    title = html.escape(config.get("title") or "mountui")
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{title}</title>",
        '<link rel="icon" href="favicon.ico">',
        *extra_head,
    ]
    if css:
        head.append(f'<link rel="stylesheet" href="static/{html.escape(css)}">')
    if js:
        head.append(f'<script type="module" src="static/{html.escape(js)}"></script>')
    body = (
        f'<div id="mountui-root"></div>'
        f'<script type="application/json" id="mountui-config">{json_for_script(config)}</script>'
    )
    if not js:
        body = (
            "<p>The mountui frontend bundle is missing from this installation "
            "(build it with <code>make frontend</code>).</p>" + body
        )
    return f'<!doctype html><html lang="en"><head>{"".join(head)}</head><body>{body}</body></html>'


FAVICON_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" '
    b'fill="#4f46e5"/><path d="M8 22V10l8 7 8-7v12" fill="none" stroke="#fff" stroke-width="3" '
    b'stroke-linejoin="round"/></svg>'
)
