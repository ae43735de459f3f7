"""The app's half of one relayed request: the relay's head becomes an ASGI scope, and the app is called in
this process, as if a trusted proxy had forwarded the request (there is no second local HTTP hop).

The public scheme, host and path prefix come from the relay's head, never from a visitor's headers: any
`Forwarded`/`X-Forwarded-*` header is dropped here too, so the app's own forwarded-header handling has
nothing to believe, and the URLs, cookies and cross-site checks it computes are those of the share link.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from starlette.types import ASGIApp, Message

from mountui.http.proxy import valid_host, valid_prefix
from mountui.share.forward import DROPPED_REQUEST_HEADERS
from mountui.share.frames import Frame, FrameError, Kind, headers_from_wire, headers_to_wire
from mountui.share.streams import Stream, StreamReset

logger = logging.getLogger("mountui.share")


def scope_from_head(head: dict[str, Any], state: dict[str, Any] | None) -> dict[str, Any]:
    """The ASGI scope of a relayed request; FrameError if the relay's head is not one."""
    method, path, query = head.get("method"), head.get("path"), head.get("query", "")
    scheme, host, prefix = head.get("scheme"), head.get("host"), head.get("prefix", "")
    if not (isinstance(method, str) and method.isalpha() and isinstance(path, str) and path.startswith("/")):
        raise FrameError("a request head without a method or path")
    if scheme not in ("http", "https") or not isinstance(host, str) or valid_host(host) is None:
        raise FrameError("a request head without a valid public scheme and host")
    if not isinstance(prefix, str) or valid_prefix(prefix or "/") is None or not isinstance(query, str):
        raise FrameError("a request head with an invalid prefix or query")
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        raise FrameError("a request path outside the link's prefix")
    headers = [
        (k, v) for k, v in headers_from_wire(head.get("headers", [])) if k not in DROPPED_REQUEST_HEADERS
    ]
    headers = [(b"host", host.encode()), *[(k, v) for k, v in headers if k != b"host"]]
    client = head.get("client")
    try:
        client_address = (str(ipaddress.ip_address(client)), 0) if isinstance(client, str) else None
    except ValueError:
        client_address = None
    raw_path = head.get("raw_path", path)
    name, _, port = host.rpartition(":") if host.rpartition(":")[2].isdigit() else (host, "", "")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": head.get("http_version")
        if head.get("http_version") in ("1.0", "1.1", "2")
        else "1.1",
        "method": method.upper(),
        "scheme": scheme,
        "path": path,
        "raw_path": raw_path.encode("latin-1") if isinstance(raw_path, str) else path.encode(),
        "query_string": query.encode("latin-1"),
        "root_path": prefix,
        "headers": headers,
        "client": client_address,
        "server": (name, int(port) if port else (443 if scheme == "https" else 80)),
    }
    if state is not None:
        scope["state"] = dict(state)
    return scope


async def serve_stream(app: ASGIApp, stream: Stream, head: Frame, state: dict[str, Any] | None) -> None:
    """Run the app for one relayed request, its body and response flowing through `stream`."""
    try:
        scope = scope_from_head(head.json(), state)
    except FrameError as error:
        logger.warning("mountui share: refused a relayed request: %s", error)
        await stream.reset(str(error))
        return
    body_done = False
    response_started = response_done = False

    async def receive() -> Message:
        nonlocal body_done
        if not body_done:
            try:
                frame = await stream.next()
            except StreamReset:
                return {"type": "http.disconnect"}
            if frame.kind is Kind.DATA:
                return {"type": "http.request", "body": frame.payload, "more_body": True}
            if frame.kind is Kind.END:
                body_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await stream.reset(f"a {frame.kind.name} frame inside a request body")
            return {"type": "http.disconnect"}
        await stream.wait_reset()  # the visitor went away, or the relay finished with the stream
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal response_started, response_done
        if stream.reset_reason is not None or response_done:
            return  # like a server whose client is gone: the app learns it from receive()
        try:
            if message["type"] == "http.response.start":
                response_started = True
                headers = headers_to_wire(list(message.get("headers", [])))
                await stream.send_head(Kind.RESPONSE, {"status": message["status"], "headers": headers})
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                if body:
                    await stream.send_data(body)
                if not message.get("more_body", False):
                    response_done = True
                    await stream.send_end()
        except StreamReset:
            return

    try:
        await app(scope, receive, send)
    except Exception:
        logger.exception("mountui share: the app failed on a relayed request")
        if not response_started:
            await send(
                {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]}
            )
            await send({"type": "http.response.body", "body": b"Internal Server Error"})
    finally:
        if not response_done:
            await stream.reset("the app ended the response early")
        stream.mux.forget(stream)
