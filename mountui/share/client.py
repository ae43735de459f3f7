"""The app's end of a share link: one outbound WebSocket to the share server, reopened after any drop.

`ShareTunnel(app, server, token)` wraps an ASGI app: once the app has started (lifespan), it connects, prints
the public URL the relay hands out, and serves every relayed request by calling the app in this process. After
a network drop or a relay restart it reconnects with backoff, presenting the link's resume code, so the link
stays the same while it is valid. It stops for good when the link expires or the token is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mountui.errors import ConfigError, MissingExtraError
from mountui.share import frames
from mountui.share.bridge import serve_stream
from mountui.share.relay import CLOSE_EXPIRED, RESUME_HEADER, TUNNEL_PATH
from mountui.share.streams import Multiplexer

logger = logging.getLogger("mountui.share")

RECONNECT_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # the last one repeats


def tunnel_url(server: str) -> str:
    """wss://host/_mountui/tunnel from the share server's address as a user writes it."""
    parts = urlsplit(server.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"share={server!r}: give the share server's address, such as 'https://share.example.com'"
        )
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "::1", "localhost"):
        logger.warning(
            "mountui share: %s is plain http: the share token and all traffic cross the network unencrypted",
            server,
        )
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + TUNNEL_PATH, "", ""))


def _print(line: str) -> None:
    print(line, flush=True)


class _Stop(Exception):
    """The tunnel must not be reopened (token refused, link expired)."""


class ShareTunnel:
    def __init__(
        self,
        app: ASGIApp,
        server: str,
        token: str,
        *,
        report: Callable[[str], None] = _print,
        reconnect_delays: Sequence[float] = RECONNECT_DELAYS,
        open_timeout: float = 10.0,
        ping_interval: float = 20.0,
    ) -> None:
        try:
            import websockets  # noqa: F401
        except ImportError:
            raise MissingExtraError(
                "share links need the share extra: pip install 'mountui[share]'"
            ) from None
        if not token:
            raise ConfigError(
                "share links need the share server's token: share_token=... or MOUNTUI_SHARE_TOKEN"
            )
        self.app = app
        self.url = tunnel_url(server)
        self.token = token
        self.report = report
        self.reconnect_delays = tuple(reconnect_delays) or RECONNECT_DELAYS
        self.open_timeout = open_timeout
        self.ping_interval = ping_interval
        self.public_url: str | None = None
        self.expires_at: float | None = None
        self.connections = 0  # how many times the relay has accepted this app (1 + reconnections)
        self.connected = threading.Event()
        self.stopped = threading.Event()  # set when the tunnel gives up for good (expired, refused)
        self._resume: str | None = None
        self._state: dict[str, Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._streams: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        self._state = scope.get("state")

        async def lifespan_send(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.start()
            await send(message)

        async def lifespan_receive() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.stop()
            return message

        await self.app(scope, lifespan_receive, lifespan_send)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="mountui share tunnel")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        from websockets.exceptions import InvalidStatus

        attempt = 0
        while True:
            try:
                await self._connect_once()
                attempt = 0  # it had worked: start the backoff afresh
            except _Stop as stop:
                self.report(f"mountui: {stop}")
                self.stopped.set()
                return
            except InvalidStatus as error:
                status = error.response.status_code
                if status == 401:
                    self.report(
                        f"mountui: the share server at {self.url} refused the share token; check share_token"
                    )
                    self.stopped.set()
                    return
                if status == 410:
                    self.report(
                        f"mountui: the share link {self.public_url} has expired; restart the app for a new one"
                    )
                    self.stopped.set()
                    return
                logger.warning("mountui share: the share server answered %s; retrying", status)
            except (OSError, TimeoutError) as error:
                logger.warning(
                    "mountui share: cannot reach the share server at %s (%s); retrying", self.url, error
                )
            except Exception as error:  # a broken handshake, a protocol error: retry like a drop
                logger.warning("mountui share: the tunnel failed (%s); reconnecting", error)
            delay = self.reconnect_delays[min(attempt, len(self.reconnect_delays) - 1)]
            attempt += 1
            await asyncio.sleep(delay)

    async def _connect_once(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        headers = {"Authorization": f"Bearer {self.token}"}
        if self._resume:
            headers[RESUME_HEADER] = self._resume
        async with connect(
            self.url,
            additional_headers=headers,
            compression=None,
            open_timeout=self.open_timeout,
            ping_interval=self.ping_interval,
            ping_timeout=self.ping_interval,
            max_size=4 * 1024 * 1024,
            user_agent_header="mountui-share",
        ) as websocket:
            hello = orjson.loads(await asyncio.wait_for(websocket.recv(), self.open_timeout))
            self._welcome(hello)
            mux = Multiplexer(websocket.send, int(hello.get("window", frames.WINDOW)))
            try:
                await self._serve(websocket, mux, int(hello.get("max_streams", 100)))
            except ConnectionClosed:
                pass  # told apart below, by the close code
            finally:
                self.connected.clear()
                mux.close("the tunnel to the share server closed")
            if websocket.close_code == CLOSE_EXPIRED:
                raise _Stop(f"the share link {self.public_url} has expired; restart the app for a new one")
            why = websocket.close_reason or f"code {websocket.close_code}"
            self.report(f"mountui: lost the share server ({why}); reconnecting")

    def _welcome(self, hello: dict[str, Any]) -> None:
        url, first = str(hello["url"]), self.public_url is None
        changed = not first and url != self.public_url
        self.public_url, self._resume = url, str(hello["resume"])
        self.expires_at = float(hello["expires_at"])
        self.connections += 1
        self.connected.set()
        until = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.expires_at))
        if first:
            self.report(f"mountui: shared at {url} (until {until}; anyone with the link can open the app)")
        elif changed:
            self.report(f"mountui: the share server gave a new link: {url} (until {until})")
        else:
            self.report(f"mountui: reconnected to the share server; still shared at {url}")

    async def _serve(self, websocket: Any, mux: Multiplexer, max_streams: int) -> None:
        async for message in websocket:
            if isinstance(message, str):
                if orjson.loads(message).get("type") == "expired":
                    raise _Stop(
                        f"the share link {self.public_url} has expired; restart the app for a new one"
                    )
                continue
            frame = frames.decode(message)
            if frame.kind is not frames.Kind.HEAD:
                mux.dispatch(frame)
                continue
            stream = mux.open(frame.stream)
            if len(mux.streams) > max_streams:
                await stream.reset("too many requests at once")
                mux.forget(stream)
                continue
            task = asyncio.create_task(serve_stream(self.app, stream, frame, self._state))
            self._streams.add(task)
            task.add_done_callback(self._streams.discard)
