"""Building the sub-application for one Blocks: settings, store, pipeline, routes, all behind the guard."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.routing import BaseRoute, Route, Router
from starlette.types import Receive, Scope, Send

from mountui._version import __version__
from mountui.auth.identity import ANONYMOUS, DependencySource, IdentitySource
from mountui.auth.sessions import SessionManager, resolve_secret_keys
from mountui.auth.setup import identity_sources
from mountui.blocks import Blocks
from mountui.components import Component
from mountui.errors import ConfigError
from mountui.http.cors import Cors
from mountui.http.edge import Edge, Endpoint, not_found
from mountui.server.deep_links import DeepLinks
from mountui.server.files import FileStore
from mountui.server.guard import Authenticator, Guard
from mountui.server.metrics import MetricsRoute, MetricsTokenSource, enable_metrics
from mountui.server.pipeline import Pipeline
from mountui.server.routes import Routes
from mountui.server.signals import hear_stop_signals
from mountui.server.static import StaticAssets
from mountui.server.tab_ids import TabIds
from mountui.settings import Settings, make_settings
from mountui.store import MemoryStore, Store

logger = logging.getLogger("mountui")


def _interactive_flags(blocks: Blocks) -> dict[int, bool]:
    inputs = {c.id for d in blocks.dependencies for c in d.inputs}
    outputs = {c.id for d in blocks.dependencies for c in d.outputs}
    triggers = {t.id for d in blocks.dependencies for t, _ in d.triggers if t is not None}
    flags = {}
    for block in blocks.blocks.values():
        if isinstance(block, Component):
            explicit = block.interactive
            flags[block.id] = (
                explicit
                if explicit is not None
                else (block.id in inputs or block.id in triggers or block.id not in outputs)
            )
    return flags


def as_endpoint(route: BaseRoute) -> BaseRoute:
    """The same route, its handler called as a plain ASGI app (see `Endpoint`)."""
    if not isinstance(route, Route) or not (
        inspect.isfunction(route.endpoint) or inspect.ismethod(route.endpoint)
    ):
        return route  # already an ASGI app (the MCP server)
    methods = sorted(route.methods - {"HEAD"}) if route.methods else None
    return Route(route.path, Endpoint(route.endpoint), methods=methods, name=route.name)


class UIApp:
    """The ASGI app of one mounted UI. Everything it serves goes through `Guard`."""

    def __init__(
        self, blocks: Blocks, settings: Settings, *, clock: Callable[[], float] | None = None
    ) -> None:
        # `clock` decides what expires (sign-ins, throttling, the default store); tests pass one they turn.
        self.blocks = blocks
        self.settings = settings
        self.store: Store = settings.store or (MemoryStore(clock=clock) if clock else MemoryStore())
        if keys := settings.secret_keys():
            self.store.use_app_secret(keys[-1])
        elif self.store.shared:
            raise ConfigError(
                f"a shared store ({self.store!r}) needs secret_key= (or MOUNTUI_SECRET_KEY), the same on "
                "every worker: sign-in cookies and tab ids must verify on whichever worker a request reaches"
            )
        self.files = FileStore(
            settings.file_ttl,
            [Path(p) for p in settings.allowed_paths],
            directory=settings.file_dir,
            store=self.store if self.store.shared else None,
        )
        self.metrics = enable_metrics(blocks, settings)  # None unless metrics=True
        self.pipeline = Pipeline(blocks, settings, self.store, self.files, self.metrics)
        self.assets = StaticAssets()
        self.deep_links = DeepLinks(self)
        self.pwa: Any = None
        if settings.pwa:
            from mountui.server.pwa import Pwa  # Pillow, when installed, only for apps that ask

            self.pwa = Pwa(blocks.title, settings.favicon_path, self.assets)
        self.accepts_files = any(c.handles_files for d in blocks.dependencies for c in d.inputs)
        self.sources: list[IdentitySource] = []
        self.sessions: SessionManager | None = None
        if settings.auth is not None or settings.oauth is not None:
            # One login-session manager for every sign-in mechanism of this app: one cookie, one registry.
            self.sessions = SessionManager(
                self.store, settings, resolve_secret_keys(settings), clock=clock or time.time
            )
            self.sessions.on_end.append(self.pipeline.end_login_sessions)
            self.pipeline.cluster.session_alive = self.sessions.exists
            if self.metrics is not None:
                self.sessions.on_sign_in.append(self.metrics.sign_in)
            self.sources = identity_sources(settings, self.store, self.sessions, blocks.title)
        if settings.auth_dependency is not None:
            self.sources.append(DependencySource(settings.auth_dependency, settings.login_url))
        self.mcp: Any = None
        if settings.mcp_server:
            from mountui.auth.mcp_credentials import McpCredentialsSource
            from mountui.auth.password import LoginThrottle
            from mountui.server.mcp.server import McpServer

            # Basic (password apps) and bearer tokens (OAuth apps) on P/mcp, through the same checks.
            bearer_throttle = LoginThrottle(
                self.store,
                settings.max_login_attempts,
                settings.login_attempt_window,
                clock=clock or time.time,
            )
            self.sources.append(McpCredentialsSource(self.sources, self.store, blocks.title, bearer_throttle))
            self.mcp = McpServer(self)
        metrics_token = MetricsTokenSource(settings.metrics_token) if settings.metrics_token else None
        self.authenticator = Authenticator(
            [*self.sources, *([metrics_token] if metrics_token else [])], settings.login_url
        )
        self.routes = Routes(self)
        extra_routes = [r for s in self.sources for r in s.routes()]
        if self.mcp is not None:
            extra_routes.append(self.mcp.route())
        if self.metrics is not None:
            extra_routes += MetricsRoute(self.metrics, metrics_token, self.authenticator.required).routes()
        # A bare router of plain ASGI endpoints: no middleware of its own (the edge catches errors).
        self.router = Router(
            routes=[as_endpoint(r) for r in (*extra_routes, *self.routes.routes())], default=not_found
        )
        # The edge asks the guard about every request before the router sees it.
        self.guard = Guard(self.authenticator, settings)
        guarded = Edge(self.router, settings.frame_ancestors, admit=self.guard.admit)
        # CORS outermost (only where other sites are allowed): preflights are answered before the guard,
        # and every answer (errors included) carries the headers an allowed origin needs to read it.
        self.app = Cors(guarded, settings.allowed_origins) if settings.allowed_origins else guarded
        self._static_config = self._build_static_config()
        # Components whose default is a function (`value=fn`): called again for every page.
        self._dynamic = [
            b
            for b in blocks.blocks.values()
            if isinstance(b, Component) and callable(b.value) and not b.server_side
        ]
        fingerprint = hashlib.sha256(orjson.dumps(self._static_config)).digest()
        self.tabs = TabIds.for_app(settings.secret_keys(), fingerprint)
        self._started = False
        self._hearing_signals = False

    # --- configuration for the page ---
    def _build_static_config(self) -> dict[str, Any]:
        flags = _interactive_flags(self.blocks)
        components = []
        for block in self.blocks.blocks.values():
            if isinstance(block, Component) and block.server_side:
                continue
            entry: dict[str, Any] = {"id": block.id, "type": block.block_type, "props": block.props()}
            if isinstance(block, Component):
                entry["props"]["interactive"] = flags[block.id]
                if not callable(block.value):
                    entry["value"] = block.initial_value(None)
            components.append(entry)
        return {
            "version": __version__,
            "title": self.blocks.title,
            "show_api": self.settings.show_api,
            "theme": self.blocks.theme,
            "components": components,
            "layout": self.blocks.layout(),
            "dependencies": [d.config() for d in self.blocks.dependencies],
            **({"mcp_server": True} if self.settings.mcp_server else {}),
            **self.blocks.extra_config(),
        }

    async def config_for(self, request: Request) -> dict[str, Any]:
        identity = request.scope.get("mountui.identity", ANONYMOUS)
        config = dict(self._static_config)
        if self._dynamic:
            values = await self.pipeline.initial_values(self._dynamic)
            config["components"] = [
                {**c, "value": values[c["id"]]} if c["id"] in values else c for c in config["components"]
            ]
        link_id = request.query_params.get("deep_link")
        if link_id is not None:  # values a deep link kept, in place before the page's load events run
            values, notice = await self.deep_links.restore(link_id, request)
            config["components"] = [
                {**c, "value": values[c["id"]]} if c["id"] in values else c for c in config["components"]
            ]
            if notice is None:
                config["deep_link"] = {"id": link_id, "restored": sorted(values)}
            else:
                config["notice"] = notice
        config["session_id"] = self.tabs.issue()
        config["username"] = identity.username
        if self.settings.oauth is not None:  # the provider, and who is signed in with it (LoginButton)
            config["oauth"] = self.settings.oauth.config_for(identity)
        return config

    def page_csp(self, base: str) -> str:
        return base

    # --- lifecycle ---
    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        await self.startup()
        try:
            yield
        finally:
            await self.shutdown()

    async def startup(self) -> None:
        if self._started:
            return
        self._started = True
        self.pipeline.closing = False  # an app started again after a shutdown takes calls again
        self.pipeline.cluster.start()
        for source in self.sources:
            await source.startup()
        if not self._hearing_signals:  # once per app: a lifespan started again must not chain twice
            self._hearing_signals = hear_stop_signals(self.begin_shutdown)

    def begin_shutdown(self) -> None:
        """The server is stopping: end every open stream with a final event (see Pipeline.begin_shutdown)."""
        self.pipeline.begin_shutdown()

    async def shutdown(self) -> None:
        await self.pipeline.shutdown()
        if self.mcp is not None:
            await self.mcp.stop()
        self.files.close()
        await self.store.close()
        self._started = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._serve_lifespan(receive, send)
            return
        if not self._started:
            await self.startup()
        # Served alone, as in a host: the router then raises 404/405 for the edge to answer in JSON.
        scope.setdefault("app", self)
        await self.app(scope, receive, send)

    async def _serve_lifespan(self, receive: Receive, send: Send) -> None:
        # Used when this app is served on its own (launch, uvicorn mountui_app:app).
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def build_app(blocks: Blocks, *, clock: Callable[[], float] | None = None, **settings: Any) -> UIApp:
    """The ASGI app serving `blocks`, with settings validated once (a misspelt one fails here)."""
    return UIApp(blocks, make_settings(settings), clock=clock)
