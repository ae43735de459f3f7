"""Public URLs of a mounted app, computed from the request: never hard-coded, never from untrusted headers.

Three things make the public path: the ASGI server's `root_path` (uvicorn --root-path), the paths the host
mounted the app under, and a prefix a trusted proxy stripped (X-Forwarded-Prefix, which takes the place of
the server's root_path, as SCRIPT_NAME does in WSGI). `public_url=` overrides them all. The forwarded values
were checked by `mountui.http.proxy` before they reached the scope.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from mountui.http.proxy import valid_host


def route_path(scope: dict[str, Any]) -> str:
    """The path inside the mounted app ("/", "/config", ...), whatever the mount path and root_path."""
    path: str = scope.get("path", "/")
    root: str = scope.get("root_path", "")
    # Like Starlette: the root only counts when it ends at a segment boundary ("/ui" is no root of "/uix").
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        path = path[len(root) :]
    return path or "/"


def mount_path(scope: dict[str, Any]) -> str:
    """The app's path as this server sees it (root_path plus mount path), without a trailing slash."""
    return scope.get("root_path", "").rstrip("/")


def _server_root_path(scope: dict[str, Any]) -> str:
    # Starlette's Mount keeps the server's own root_path as "app_root_path"; a top-level app has none.
    return str(scope.get("app_root_path", scope.get("root_path", ""))).rstrip("/")


def public_base_path(scope: dict[str, Any]) -> str:
    """The app's path as the browser sees it, without a trailing slash ("" for an app at the site's root)."""
    settings = scope.get("mountui.settings")
    if settings is not None and settings.public_url:
        return urlsplit(settings.public_url).path.rstrip("/")
    path = mount_path(scope)
    prefix = scope.get("mountui.forwarded_prefix")
    if prefix is None:
        return path
    server_root = _server_root_path(scope)
    if server_root and (path == server_root or path.startswith(server_root + "/")):
        path = path[len(server_root) :]
    return prefix + path


def public_origin(scope: dict[str, Any]) -> str:
    """scheme://host[:port] as the browser sees it."""
    settings = scope.get("mountui.settings")
    if settings is not None and settings.public_url:
        parts = urlsplit(settings.public_url)
        return f"{parts.scheme}://{parts.netloc}"
    scheme = scope.get("mountui.forwarded_proto") or scope.get("scheme", "http")
    scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    host = scope.get("mountui.forwarded_host")
    if not host:
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = valid_host(value.decode("latin-1"))
                break
    if not host:
        server_host, port = scope.get("server") or ("localhost", None)
        if ":" in server_host:
            server_host = f"[{server_host}]"
        default_port = 443 if scheme == "https" else 80
        host = server_host if port in (None, default_port) else f"{server_host}:{port}"
    return f"{scheme}://{host}"


def public_url(scope: dict[str, Any], path: str = "/") -> str:
    """Absolute public URL of `path` inside the app (path starts with '/')."""
    return public_origin(scope) + public_base_path(scope) + path
