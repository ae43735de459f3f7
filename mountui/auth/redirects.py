"""The one safe-redirect helper: a `next=` target is accepted only as a path inside this app.

Browsers forgive a lot in a URL: they turn `\\` into `/`, drop tabs and newlines, and read `//host` as
another site. So a target is checked as written and after each round of percent-decoding, and anything
that could leave the app falls back to the app's page.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse

from mountui.http.urls import public_base_path

MAX_TARGET_LENGTH = 2048
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters and backslashes, anywhere
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))  # printable ASCII stays as it is


def _stays_inside(target: str, base_path: str) -> bool:
    if _FORBIDDEN.search(target) or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    path = parts.path
    if not (path + "/").startswith(base_path + "/"):
        return False
    return ".." not in path.split("/")


def is_safe_target(target: str | None, base_path: str) -> bool:
    """True if `target` is a path under `base_path` (the app's public path, without a trailing slash)."""
    if not target or len(target) > MAX_TARGET_LENGTH:
        return False
    seen = target
    for _ in range(4):  # each encoded layer must be safe too ("/%5Cevil", "/%252F%252Fevil", ...)
        if not _stays_inside(seen, base_path):
            return False
        decoded = unquote(seen)
        if decoded == seen:
            return True
        seen = decoded
    return False  # encoded more deeply than any real link is


def safe_redirect_target(target: str | None, base_path: str) -> str:
    """`target` when it is safe (encoded for a Location header), else the app's page `base_path/`."""
    if target is not None and is_safe_target(target, base_path):
        return quote(target, safe=_URL_SAFE)
    return base_path + "/"


def login_redirect(request: Request, login_path: str) -> RedirectResponse:
    """Send a visitor of the page to a sign-in route, to come back to the page they asked for."""
    base, query = public_base_path(request.scope), request.url.query
    target = base + "/" + (f"?{query}" if query else "")
    location = f"{base}{login_path}?{urlencode({'next': target})}"
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})
