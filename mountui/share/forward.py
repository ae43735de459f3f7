"""The relay's half of one visitor request: the head and body into a tunnel stream, the response back out.

Visitors' own `Forwarded`, `X-Forwarded-*` and hop-by-hop headers never reach the app: the relay says where
the request came from in the head's own fields (scheme, host, prefix, client), which the app's end of the
tunnel puts into the request's scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send

from mountui.share.frames import Kind, headers_from_wire, headers_to_wire
from mountui.share.streams import Stream, StreamReset
from mountui.share.tunnels import TooManyStreams, Tunnel

DROPPED_REQUEST_HEADERS = frozenset(
    {
        b"forwarded", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-prefix",
        b"x-forwarded-port", b"x-real-ip", b"connection", b"keep-alive", b"proxy-connection",
        b"proxy-authorization", b"te", b"trailer", b"transfer-encoding", b"upgrade",
    }
)  # fmt: skip
DROPPED_RESPONSE_HEADERS = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"transfer-encoding", b"upgrade"}
)


@dataclass(frozen=True)
class Origin:
    """Where the visitor's request was addressed, as the app should see it."""

    scheme: str
    host: str
    prefix: str
    client: str | None


async def answer(
    send: Send, status: int, title: str, text: str, headers: dict[str, str] | None = None
) -> None:
    """A small self-contained page from the relay itself (no app behind this link answers)."""
    body = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<body style='font-family:system-ui,sans-serif;max-width:40em;margin:4em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    ).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


class _Forwarding:
    def __init__(self, tunnel: Tunnel, stream: Stream, max_body: int) -> None:
        self.tunnel, self.stream, self.max_body = tunnel, stream, max_body
        self.too_large = False
        self.body_sent = False

    async def pump_body(self, receive: Receive) -> None:
        """The visitor's body into the stream, then wait for the visitor to go (which resets the stream)."""
        size = 0
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    await self.stream.reset("the visitor disconnected")
                    return
                if self.body_sent:
                    continue
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    self.too_large = True
                    await self.stream.reset("the request body is over the share server's limit")
                    return
                if chunk:
                    await self.stream.send_data(chunk)
                if not message.get("more_body", False):
                    await self.stream.send_end()
                    self.body_sent = True
        except StreamReset:
            return


async def forward(
    tunnel: Tunnel, scope: Scope, receive: Receive, send: Send, origin: Origin, max_body: int
) -> None:
    headers = [(k, v) for k, v in scope["headers"] if k not in DROPPED_REQUEST_HEADERS and k != b"host"]
    declared = _content_length(scope["headers"])
    if declared is not None and (declared < 0 or declared > max_body):
        await answer(
            send,
            413,
            "Request too large",
            f"This share link takes request bodies of at most {max_body} bytes.",
        )
        return
    try:
        stream = tunnel.open_stream()
    except TooManyStreams:
        await answer(
            send,
            503,
            "Too many requests at once",
            f"This share link serves at most {tunnel.max_streams} requests at once; try again in a moment.",
            {"Retry-After": "1"},
        )
        return
    forwarding = _Forwarding(tunnel, stream, max_body)
    pump: asyncio.Task[None] | None = None
    started = completed = False
    try:
        await stream.send_head(
            Kind.HEAD,
            {
                "method": scope["method"],
                "path": scope["path"],
                "raw_path": (scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
                "query": scope.get("query_string", b"").decode("latin-1"),
                "headers": headers_to_wire(headers),
                "http_version": scope.get("http_version", "1.1"),
                "scheme": origin.scheme,
                "host": origin.host,
                "prefix": origin.prefix,
                "client": origin.client,
            },
        )
        pump = asyncio.create_task(forwarding.pump_body(receive))
        response = await stream.next()
        if response.kind is not Kind.RESPONSE:
            raise StreamReset("the app answered without a response head")
        head = response.json()
        status = head.get("status")
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise StreamReset("the app answered with no valid status")
        response_headers = [
            (k, v) for k, v in headers_from_wire(head.get("headers", [])) if k not in DROPPED_RESPONSE_HEADERS
        ]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        started = True
        while True:
            frame = await stream.next()
            if frame.kind is Kind.DATA:
                await send({"type": "http.response.body", "body": frame.payload, "more_body": True})
            elif frame.kind is Kind.END:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                completed = True
                return
            else:
                raise StreamReset(f"the app sent {frame.kind.name} inside a response body")
    except StreamReset as reset:
        if started:
            return  # the visitor sees the response cut short, as from any proxy that lost its upstream
        if forwarding.too_large:
            await answer(
                send,
                413,
                "Request too large",
                f"This share link takes request bodies of at most {max_body} bytes.",
            )
        elif stream.mux.closed_reason is None and reset.reason == "the visitor disconnected":
            return
        else:
            await answer(
                send,
                502,
                "The shared app did not answer",
                f"The app behind this link could not answer: {reset.reason}.",
            )
    finally:
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        if not (completed and forwarding.body_sent):
            await stream.reset("the request ended early")  # the app stops reading and sending
        stream.mux.forget(stream)
