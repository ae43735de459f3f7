"""CORS for the sites named in `allowed_origins`, on the routes an embedded app needs, and nowhere else.

A page of an allowed site may load the bundle and call the app with the visitor's cookies: each answer names
that one origin (never `*`), allows credentials and varies on `Origin`. Preflights are answered here, before
the guard, since a browser sends them without credentials. Any other origin gets no CORS header at all, so
the browser keeps the answer from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mountui.http.responses import error_response
from mountui.http.urls import route_path

# What the embedded page fetches: its configuration, calls and their streams, files, the bundle, and the
# hand-over of an OAuth sign-in made in a pop-up (mountui.auth.oauth_handoff).
CORS_PATHS = frozenset({"/config", "/upload", "/embed.js", "/oauth/handoff", "/oauth/handoff/redeem"})
CORS_PREFIXES = ("/api/", "/file/", "/static/")
ALLOWED_METHODS = ("GET", "HEAD", "POST", "DELETE")
# Request headers the page sends beyond the CORS-safelisted ones.
ALLOWED_HEADERS = frozenset({"content-type", "accept", "x-mountui-session", "last-event-id"})
# Response headers the page reads beyond the safelisted ones (429's "try again in").
EXPOSED_HEADERS = "Retry-After"
PREFLIGHT_MAX_AGE = "600"


def is_cors_path(path: str) -> bool:
    return path in CORS_PATHS or path.startswith(CORS_PREFIXES)


class Cors:
    """An ASGI wrapper: CORS headers for `origins` on `is_cors_path` routes; their preflights answered."""

    def __init__(self, app: ASGIApp, origins: Iterable[str]) -> None:
        self.app = app
        self.origins = frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.origins or not is_cors_path(route_path(scope)):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        allowed = origin is not None and origin in self.origins
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(headers, origin if allowed else None)(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self._with_cors(message.get("headers", []), origin, allowed)}
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _with_cors(
        headers: Iterable[tuple[bytes, bytes]], origin: str | None, allowed: bool
    ) -> list[tuple[bytes, bytes]]:
        # `Vary: Origin` on every answer of these routes, allowed or not: a shared cache must not hand the
        # answer made for one origin to another.
        out = [(k, v) for k, v in headers if k.lower() not in (b"access-control-allow-origin", b"vary")]
        vary = [v.decode("latin-1") for k, v in headers if k.lower() == b"vary"]
        out.append((b"vary", ", ".join([*vary, "Origin"]).encode("latin-1")))
        if allowed and origin is not None:
            out += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-credentials", b"true"),
                (b"access-control-expose-headers", EXPOSED_HEADERS.encode()),
            ]
        return out

    @staticmethod
    def _preflight(headers: Headers, origin: str | None) -> Response:
        method = headers["access-control-request-method"].upper()
        asked = {h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",")}
        asked.discard("")
        vary = {"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}
        if origin is None or method not in ALLOWED_METHODS or not asked <= ALLOWED_HEADERS:
            # No CORS header: the browser refuses the real request without sending it.
            return error_response(403, "cross_origin", "this origin, method or header is not allowed", vary)
        return Response(
            status_code=204,
            headers={
                **vary,
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Allow-Methods": ", ".join(ALLOWED_METHODS),
                "Access-Control-Allow-Headers": ", ".join(sorted(ALLOWED_HEADERS)),
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            },
        )
