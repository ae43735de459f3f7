"""The share server (`mountui share-server`): apps open tunnels to it, visitors reach them through it.

An ASGI app, served by uvicorn behind the same reverse proxy as any app (TLS, wildcard certificate). Requests
for ``<link>.<domain>`` (subdomain mode) or ``<domain>/s/<link>/`` (path mode) go to that link's tunnel; the
tunnel endpoint is ``/_mountui/tunnel`` on any other host name, opened by apps with the relay's token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import orjson
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from mountui.errors import ConfigError
from mountui.http.proxy import ForwardedHeaders, valid_host
from mountui.share import frames
from mountui.share.forward import Origin, answer, forward
from mountui.share.streams import Multiplexer
from mountui.share.tunnels import Registry, ResumeCodes, Tunnel, new_link_id

logger = logging.getLogger("mountui.share")

TUNNEL_PATH = "/_mountui/tunnel"
RESUME_HEADER = "x-mountui-share-resume"
CLOSE_EXPIRED = 4001  # the WebSocket close code telling the app its link has expired
CLOSE_REPLACED = 4002


@dataclass(frozen=True)
class RelayConfig:
    """What `mountui share-server` is told; checked once, at start-up."""

    domain: str
    token: str
    mode: Literal["subdomain", "path"] = "subdomain"
    scheme: Literal["https", "http"] = "https"
    public_port: int | None = None  # the port visitors use, when it is not the scheme's default
    link_ttl: float = 72 * 3600
    max_tunnels: int = 100
    max_streams: int = 100  # concurrent requests per tunnel
    max_body: int = 100 * 1024 * 1024  # bytes per request body
    window: int = frames.WINDOW
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    sweep_interval: float = 1.0

    def __post_init__(self) -> None:
        if len(self.token) < 16:
            raise ConfigError(
                "the share server's token must be at least 16 characters: make one with `openssl rand -hex 24`"
            )
        if valid_host(self.domain) != self.domain.lower() or ":" in self.domain or self.domain.endswith("."):
            raise ConfigError(f"--domain {self.domain!r} must be a plain host name such as share.example.com")
        if self.mode not in ("subdomain", "path"):
            raise ConfigError("the mode is 'subdomain' (each link its own origin) or 'path'")
        if self.link_ttl <= 0 or self.max_streams < 1 or self.max_body < 0 or self.max_tunnels < 1:
            raise ConfigError("link lifetime, tunnel, stream and body limits must be positive")

    @property
    def _port_suffix(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return f":{self.public_port}" if self.public_port not in (None, default) else ""

    def host_for(self, link_id: str) -> str:
        if self.mode == "subdomain":
            return f"{link_id}.{self.domain}{self._port_suffix}"
        return f"{self.domain}{self._port_suffix}"

    def prefix_for(self, link_id: str) -> str:
        return "" if self.mode == "subdomain" else f"/s/{link_id}"

    def url_for(self, link_id: str) -> str:
        return f"{self.scheme}://{self.host_for(link_id)}{self.prefix_for(link_id)}/"


class ShareRelay:
    def __init__(self, config: RelayConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.registry = Registry(clock)
        self.codes = ResumeCodes(config.token)
        self.forwarded = ForwardedHeaders(config.trusted_proxies)
        self._sweeper: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        self.forwarded.apply(scope)  # the visitor's address, from a trusted proxy in front only
        host = _header(scope, b"host").rpartition(":")[0] or _header(scope, b"host")
        host = host.lower().rstrip(".")
        if self.config.mode == "subdomain" and host.endswith("." + self.config.domain):
            label = host[: -len(self.config.domain) - 1]
            await self._visit(label, scope, receive, send)
        elif scope["type"] == "websocket":
            if scope["path"] == TUNNEL_PATH:
                await self._tunnel(WebSocket(scope, receive, send))
            else:
                await send({"type": "websocket.close", "code": 1008})
        elif self.config.mode == "path" and scope["path"].startswith("/s/"):
            link_id, _, rest = scope["path"][3:].partition("/")
            if not rest and not scope["path"].endswith("/"):
                location = f"/s/{link_id}/"
                await PlainTextResponse("", 308, {"location": location})(scope, receive, send)
                return
            await self._visit(link_id, scope, receive, send)
        elif scope["path"] == "/":
            await PlainTextResponse("mountui share server\n")(scope, receive, send)
        else:
            await PlainTextResponse("Not Found\n", 404)(scope, receive, send)

    # --- visitors ---
    async def _visit(self, link_id: str, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # apps speak HTTP and SSE only
            return
        tunnel = self.registry.find(link_id)
        if tunnel is not None:
            client = scope.get("client")
            origin = Origin(
                scheme=self.config.scheme,
                host=self.config.host_for(link_id),
                prefix=self.config.prefix_for(link_id),
                client=str(client[0]) if client else None,
            )
            await forward(tunnel, scope, receive, send, origin, self.config.max_body)
        elif self.registry.has_expired(link_id):
            await answer(
                send,
                410,
                "This share link has expired",
                "Share links last a limited time. Ask for a new link.",
            )
        else:
            await answer(
                send,
                404,
                "No app is shared at this link",
                "The app may have stopped or be reconnecting, or the link may be mistyped.",
            )

    # --- apps ---
    async def _tunnel(self, websocket: WebSocket) -> None:
        authorization = websocket.headers.get("authorization", "")
        presented = authorization[7:] if authorization[:7].lower() == "bearer " else ""
        if not hmac.compare_digest(presented.encode(), self.config.token.encode()):
            logger.warning("mountui share: refused a tunnel from %s: wrong token", _peer(websocket))
            await _deny(websocket, 401, "the share server refused the token")
            return
        if len(self.registry.live) >= self.config.max_tunnels:
            await _deny(
                websocket, 503, f"the share server holds its limit of {self.config.max_tunnels} tunnels"
            )
            return
        link_id, expires_at = new_link_id(), int(self.clock() + self.config.link_ttl)
        resumed = self.codes.check(websocket.headers.get(RESUME_HEADER, ""))
        if resumed is not None:
            if resumed[1] <= self.clock():
                await _deny(websocket, 410, "the share link has expired")
                return
            link_id, expires_at = resumed
        await websocket.accept()

        async def close(code: int, reason: str) -> None:
            with contextlib.suppress(Exception):
                if code == CLOSE_EXPIRED:
                    await websocket.send_text(orjson.dumps({"type": "expired"}).decode())
                await websocket.close(code, reason)

        mux = Multiplexer(websocket.send_bytes, self.config.window)
        tunnel = Tunnel(link_id, expires_at, mux, self.config.max_streams, close)
        previous = self.registry.add(tunnel)
        if previous is not None:  # the same app, back before its old connection was seen to drop
            previous.mux.close("the app reconnected")
            await previous.close(CLOSE_REPLACED, "replaced by a new connection")
        hello = {
            "type": "hello",
            "id": link_id,
            "url": self.config.url_for(link_id),
            "resume": self.codes.issue(link_id, expires_at),
            "expires_at": expires_at,
            "max_streams": self.config.max_streams,
            "max_body": self.config.max_body,
            "window": self.config.window,
        }
        logger.info("mountui share: %s link %s", "resumed" if resumed else "opened", link_id)
        try:
            await websocket.send_text(orjson.dumps(hello).decode())
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("bytes")
                if data is None:
                    continue  # no text messages come from apps; ignore rather than guess
                frame = frames.decode(data)
                if frame.kind is frames.Kind.HEAD:
                    raise frames.FrameError("an app sent a request head")
                mux.dispatch(frame)
        except frames.FrameError as error:
            logger.warning("mountui share: closed link %s: %s", link_id, error)
            await close(1002, "protocol error")
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass
        finally:
            self.registry.remove(tunnel)
            mux.close("the app's tunnel closed")

    # --- lifecycle ---
    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._sweeper = asyncio.create_task(self._sweep())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._sweeper is not None:
                    self._sweeper.cancel()
                for tunnel in list(self.registry.live.values()):
                    tunnel.mux.close("the share server is restarting")
                    await tunnel.close(1012, "the share server is restarting")
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.config.sweep_interval)
            for tunnel in self.registry.due():
                self.registry.remove(tunnel)
                self.registry.mark_expired(tunnel.link_id)
                tunnel.mux.close("the share link has expired")
                await tunnel.close(CLOSE_EXPIRED, "link expired")
                logger.info("mountui share: link %s expired", tunnel.link_id)


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == name), "")


def _peer(websocket: WebSocket) -> str:
    return websocket.client.host if websocket.client else "a unix socket"


async def _deny(websocket: WebSocket, status: int, message: str) -> None:
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(PlainTextResponse(message + "\n", status))
    else:
        await websocket.close(1008, message)
