"""The MCP server of an app (`mcp_server=True`): `P/mcp`, Streamable HTTP, on the official `mcp` SDK.

It is a route of the mounted app like any other, so the guard has identified (or refused) the caller before
a message is read; tool calls go through the pipeline. The SDK's low-level `Server` answers the protocol and
its session manager runs in stateless mode: every HTTP request stands alone, so any worker can answer it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from mountui._version import __version__
from mountui.auth.identity import ANONYMOUS
from mountui.errors import CallError, ConfigError
from mountui.http.responses import NO_STORE
from mountui.http.urls import public_url
from mountui.server.mcp.calls import ToolRunner, error_result
from mountui.server.mcp.page import render_mcp_page
from mountui.server.mcp.tools import Tool, describe_tool
from mountui.server.page import SECURITY_HEADERS
from mountui.server.routes import caller_for

if TYPE_CHECKING:
    from mountui.server.app import UIApp

logger = logging.getLogger("mountui")

try:
    import mcp_types as types
    from mcp.server.lowlevel import Server
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from mcp.shared.exceptions import MCPError
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ConfigError("mcp_server=True needs the MCP SDK: pip install 'mountui[mcp]'") from exc

from mountui.server.mcp.resources import ResourcesAndPrompts  # noqa: E402 - needs the SDK checked above


class McpServer:
    """The ASGI app at `P/mcp` (a Starlette Route's endpoint) and the MCP server behind it."""

    def __init__(self, ui: UIApp) -> None:
        self.ui = ui
        self.tools: dict[str, Tool] = {
            d.endpoint: describe_tool(d) for d in ui.blocks.dependencies if d.show_api
        }
        self.runner = ToolRunner(ui)
        extras = ResourcesAndPrompts(ui.blocks, self._admit)
        self.server: Server[Any] = Server(
            ui.blocks.title,
            version=__version__,
            instructions=f"Tools of the web app {ui.blocks.title!r}: each runs one of its functions.",
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            **extras.handlers(),
        )
        self.server.middleware.append(self._hear_cancellations)
        self._manager: StreamableHTTPSessionManager | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None
        self._starting: asyncio.Lock | None = None

    def route(self) -> Route:
        return Route("/mcp", self)

    # --- HTTP ---
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
        if scope["method"] in ("GET", "HEAD") and "text/event-stream" not in accept:
            # A person opening the URL: what this is and how to connect, not a JSON-RPC error.
            page = render_mcp_page(self.ui.blocks.title, public_url(scope, "/mcp"), self.tools)
            headers = {
                **SECURITY_HEADERS,
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            }
            await HTMLResponse(page, headers={**headers, **NO_STORE})(scope, receive, send)
            return
        manager = await self._running_manager()

        async def unbuffered(message: Message) -> None:
            # Progress notifications ride the response's event stream: proxies must pass them on at once.
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if any(
                    k.lower() == b"content-type" and v.startswith(b"text/event-stream") for k, v in headers
                ):
                    message = {**message, "headers": [*headers, (b"x-accel-buffering", b"no")]}
            await send(message)

        await manager.handle_request(scope, receive, unbuffered)

    # --- the session manager's life: one task, started by the first request, stopped with the app ---
    async def _running_manager(self) -> StreamableHTTPSessionManager:
        self._starting = self._starting or asyncio.Lock()
        async with self._starting:
            if self._manager is None:
                manager = StreamableHTTPSessionManager(
                    self.server, stateless=True, max_request_body_size=self.ui.settings.max_body_size
                )
                started, self._stop = asyncio.Event(), asyncio.Event()
                self._task = asyncio.create_task(self._serve(manager, started, self._stop))
                await started.wait()
                self._manager = manager
        return self._manager

    @staticmethod
    async def _serve(
        manager: StreamableHTTPSessionManager, started: asyncio.Event, stop: asyncio.Event
    ) -> None:
        async with manager.run():
            started.set()
            await stop.wait()

    async def stop(self) -> None:
        if self._task is not None and self._stop is not None:
            self._stop.set()
            try:
                await asyncio.wait_for(self._task, timeout=self.ui.settings.shutdown_grace + 1)
            except (TimeoutError, Exception):
                logger.warning("mountui: the MCP session manager did not stop cleanly", exc_info=True)
        self._manager = self._task = self._stop = None

    # --- protocol handlers ---
    async def _list_tools(self, ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(name=t.name, description=t.description, input_schema=t.input_schema)
                for t in self.tools.values()
            ]
        )

    async def _call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = self.tools.get(params.name)
        if tool is None:
            raise MCPError(types.INVALID_PARAMS, f"no tool named {params.name!r}; list the tools to see them")
        request: Request = ctx.request
        try:
            caller = caller_for(request, self.ui.tabs)
        except Exception as exc:  # an X-MountUI-Session this app did not issue
            return error_result(str(getattr(exc, "message", exc)))

        async def report(progress: float, total: float | None, message: str | None) -> None:
            await ctx.session.report_progress(progress, total, message)

        return await self.runner.run(
            tool, params.arguments, caller, _call_key(request, ctx.request_id), report
        )

    async def _admit(self, ctx: Any, what: str) -> None:
        """Resource reads and prompts run app code too: the app-wide rate limit holds for them."""
        try:
            await self.ui.pipeline.limits.check_other(what, caller_for(ctx.request, self.ui.tabs))
        except CallError as exc:
            raise MCPError(types.INTERNAL_ERROR, exc.message) from None

    async def _hear_cancellations(self, ctx: Any, call_next: Any) -> Any:
        # Stateless: the cancellation of a call comes in a request of its own; find the call it names.
        if ctx.method == "notifications/cancelled" and ctx.request is not None:
            request_id = (ctx.params or {}).get("requestId")
            # Only a signed-in caller's, and only for their own calls: anonymous callers are told apart by
            # nothing but an address a NAT or proxy shares, so their calls end when their request closes.
            identity = ctx.request.scope.get("mountui.identity", ANONYMOUS)
            if request_id is not None and identity.username:
                self.runner.cancel(_call_key(ctx.request, request_id))
        return await call_next(ctx)


def _call_key(request: Request, request_id: Any) -> tuple[str, str, str]:
    identity = request.scope.get("mountui.identity", ANONYMOUS)
    client = request.client.host if request.client else ""
    return (identity.username or "", client, str(request_id))
