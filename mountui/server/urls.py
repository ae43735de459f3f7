"""Public URLs of a mounted app, computed from the request: never hard-coded, never from untrusted headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def route_path(scope: dict[str, Any]) -> str:
    """The path inside the mounted app ("/", "/config", ...), whatever the mount path and root_path."""
    path: str = scope.get("path", "/")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path or "/"


def mount_path(scope: dict[str, Any]) -> str:
    """The app's path as this server sees it (root_path plus mount path), without a trailing slash."""
    return scope.get("root_path", "").rstrip("/")


def public_base_path(scope: dict[str, Any]) -> str:
    """The app's path as the browser sees it: with the prefix a trusted proxy or `public_url` adds."""
    settings = scope.get("mountui.settings")
    if settings is not None and settings.public_url:
        return urlsplit(settings.public_url).path.rstrip("/")
    return scope.get("mountui.forwarded_prefix", "") + mount_path(scope)


def public_origin(scope: dict[str, Any]) -> str:
    """scheme://host[:port] as the browser sees it."""
    settings = scope.get("mountui.settings")
    if settings is not None and settings.public_url:
        parts = urlsplit(settings.public_url)
        return f"{parts.scheme}://{parts.netloc}"
    scheme = scope.get("mountui.forwarded_proto") or scope.get("scheme", "http")
    host = scope.get("mountui.forwarded_host")
    if not host:
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
                break
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}"


def public_url(scope: dict[str, Any], path: str = "/") -> str:
    """Absolute public URL of `path` inside the app (path starts with '/')."""
    return public_origin(scope) + public_base_path(scope) + path
