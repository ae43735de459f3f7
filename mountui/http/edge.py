"""The outermost layer of a mounted UI: headers every response carries, and the one catch for errors.

Whatever a route, the guard or a library raises, the caller gets the documented JSON error (or, for a page,
a small HTML error page), never a server's plain-text 500, and the error is logged once, here.

Every HTML answer (the page, the sign-in pages, the API docs, error pages) gets its CSP `frame-ancestors`
here, from the `frame_ancestors` setting, so that which sites may frame the app is decided in one place.

Routes are plain ASGI apps (`Endpoint`): a `CallError` becomes its JSON error where it is raised, and
nothing but this edge wraps `send`, so each chunk of an event stream passes one wrapper, not three. A host
app's exception handlers never answer for the mounted UI.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mountui.errors import CallError
from mountui.http.responses import NO_STORE, call_error_response, error_response

logger = logging.getLogger("mountui")

# Headers that apply to every response, whatever made it; a response that sets one itself keeps its own.
EVERY_RESPONSE = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)

ERROR_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>The app hit an error while answering. Reload the page to try again; "
    "the details are in the server log.</p>"
)


def error_for(request: Request) -> Response:
    """What a caller gets for an error nothing else handled: a page for browsers, JSON for everyone else."""
    accept = request.headers.get("accept", "")
    if request.method in ("GET", "HEAD") and "text/html" in accept:
        headers = {"Content-Security-Policy": "default-src 'none'", **NO_STORE}
        return HTMLResponse(ERROR_PAGE, status_code=500, headers=headers)
    message = "the app hit an error while answering (details are in the server log)"
    return error_response(500, "internal_error", message, NO_STORE)


def with_frame_ancestors(
    headers: Iterable[tuple[bytes, bytes]], directive: bytes
) -> list[tuple[bytes, bytes]]:
    """`headers` of an HTML answer, its CSP's `frame-ancestors` (added, or replacing the one it had) set."""
    out, found = [], False
    for name, value in headers:
        if name.lower() == b"content-security-policy":
            kept = [d.strip() for d in value.split(b";") if d.strip()]
            kept = [d for d in kept if not d.lower().startswith(b"frame-ancestors")]
            value, found = b"; ".join([*kept, directive]), True
        out.append((name, value))
    if not found:
        out.append((b"content-security-policy", directive))
    return out


HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def http_error(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    return error_response(status, HTTP_CODES.get(status, "http_error"), detail, headers)


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """What the router answers for a path it has no route for."""
    await http_error(404, "Not Found")(scope, receive, send)


class Endpoint:
    """A route's handler as a plain ASGI app: its `CallError` becomes the documented JSON error right here."""

    __slots__ = ("handler",)

    def __init__(self, handler: Callable[[Request], Awaitable[Response]]) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self.handler(Request(scope, receive, send))
        except CallError as exc:
            response = call_error_response(exc)
        await response(scope, receive, send)


# Asked before every request reaches the app: True to go on; otherwise it has answered the request itself.
Admit = Callable[[Scope, Receive, Send], Awaitable[bool]]


async def admit_all(scope: Scope, receive: Receive, send: Send) -> bool:
    return True


class Edge:
    def __init__(
        self, app: ASGIApp, frame_ancestors: Sequence[str] = ("'self'",), admit: Admit = admit_all
    ) -> None:
        self.app = app
        self.admit = admit  # the guard: every request passes it, inside this edge's error handling
        self.frame_directive = ("frame-ancestors " + " ".join(frame_ancestors)).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if await self.admit(scope, receive, send):
                await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in EVERY_RESPONSE if h[0] not in present)
                if any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers):
                    headers = with_frame_ancestors(headers, self.frame_directive)
                message = {**message, "headers": headers}
            await send(message)

        try:
            if await self.admit(scope, receive, send_with_headers):
                await self.app(scope, receive, send_with_headers)
        except (CallError, HTTPException) as exc:
            if started:  # too late to answer: the response is cut here, and the error logged once
                logger.warning("mountui: %s %s ended early: %s", scope.get("method"), scope.get("path"), exc)
                return
            response = (
                call_error_response(exc)
                if isinstance(exc, CallError)
                else http_error(exc.status_code, exc.detail, exc.headers)
            )
            await response(scope, receive, send_with_headers)
        except Exception:
            logger.exception(
                "mountui: unhandled error answering %s %s", scope.get("method"), scope.get("path")
            )
            if not started:
                await error_for(Request(scope))(scope, receive, send_with_headers)
            # A response that had started is cut here; nothing more can be said on it.
