"""mount_ui_app: add a UI to the user's FastAPI or Starlette app at a path, lifespans included."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from starlette.routing import Mount

from mountui.blocks import Blocks
from mountui.errors import ConfigError

AppT = TypeVar("AppT")


def _normalize_path(path: str) -> str:
    if not path.startswith("/"):
        raise ConfigError(f"path must start with '/', got {path!r}")
    if any(ch in path for ch in "?#{}") or "//" in path:
        raise ConfigError(f"path {path!r} must be a plain path such as '/ui' or '/a/b'")
    return path.rstrip("/")


def mount_ui_app(
    app: AppT,
    blocks: Blocks,
    path: str,
    auth_dependency: Callable[..., Any] | None = None,
    **settings: Any,
) -> AppT:
    """Serve `blocks` at `path` inside `app` (FastAPI or Starlette) and return `app`.

    The host's routes, middleware and lifespan keep working; the UI's own start-up and shutdown run inside
    the host's lifespan.
    """
    from mountui.server.app import build_app

    mount_at = _normalize_path(path)
    router = getattr(app, "router", None)
    if router is None or not hasattr(router, "routes"):
        raise ConfigError("mount_ui_app needs a Starlette or FastAPI application")
    for route in router.routes:
        if isinstance(route, Mount) and route.path == mount_at:
            raise ConfigError(f"something is already mounted at {path!r}; give each UI its own path")
    ui = build_app(blocks, auth_dependency=auth_dependency, **settings)
    route = Mount(mount_at, app=ui)
    if mount_at == "":
        router.routes.append(route)  # a catch-all: after the host's own routes
    else:
        # Before a catch-all of the host (a mount at "/"), so the UI is reachable.
        router.routes.insert(_insert_index(router.routes), route)
    host_lifespan = router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(host: Any) -> AsyncIterator[Any]:
        async with host_lifespan(host) as state, ui.lifespan():
            yield state

    router.lifespan_context = lifespan
    # Starlette builds its middleware stack lazily; make sure a rebuilt stack sees the new route.
    if getattr(app, "middleware_stack", None) is not None:
        app.middleware_stack = None  # type: ignore[attr-defined]
    return app


def _insert_index(routes: list[Any]) -> int:
    for index, route in enumerate(routes):
        if isinstance(route, Mount) and route.path == "":
            return index
    return len(routes)
