"""The outermost layer of a mounted UI: headers every response carries, and the one catch for errors.

Whatever a route, the guard or a library raises, the caller gets the documented JSON error (or, for a page,
a small HTML error page), never a server's plain-text 500, and the error is logged once, here.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mountui.http.responses import NO_STORE, error_response

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


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """For Starlette's `exception_handlers`: the response only; `Edge` logs what the router re-raises."""
    return error_for(request)


class Edge:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception(
                "mountui: unhandled error answering %s %s", scope.get("method"), scope.get("path")
            )
            if not started:
                await error_for(Request(scope))(scope, receive, send_with_headers)
            # A response that had started is cut here; nothing more can be said on it.
