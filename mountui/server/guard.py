"""The one guard: an ASGI wrapper around the whole mounted app, in front of every route and sub-mount.

The caller is resolved once, kept in the scope, and every path not on the short public list is refused to
callers the configured mechanisms do not accept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from mountui.auth.csrf import from_other_site
from mountui.auth.identity import ANONYMOUS, Identity, IdentitySource
from mountui.errors import StoreUnavailableError
from mountui.http.proxy import ForwardedHeaders
from mountui.http.responses import NO_STORE, call_error_response, error_response
from mountui.http.urls import route_path
from mountui.server.page import SECURITY_HEADERS

logger = logging.getLogger("mountui.auth")

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Paths anyone may reach. Everything else, including routes added later, is guarded.
# The PWA's manifest, worker and icons (pwa=True) too: browsers fetch manifests and icons without credentials.
# embed.js: the stable entry other sites load the web component from.
PUBLIC_PATHS = frozenset(
    {
        "/favicon.ico",
        "/healthz",
        "/embed.js",
        "/manifest.webmanifest",
        "/sw.js",
        "/icon-192.png",
        "/icon-512.png",
        "/icon.svg",
    }
)
PUBLIC_PREFIXES = ("/static/",)


def is_page_request(path: str, scope: Scope) -> bool:
    return path == "/" and scope.get("method", "GET") in ("GET", "HEAD")


class Authenticator:
    """All identity sources of one app, asked in order."""

    def __init__(self, sources: Sequence[IdentitySource], login_url: str | None = None) -> None:
        self.sources = list(sources)
        self.login_url = login_url
        self.required = any(s.required for s in self.sources)
        self.public_paths = set(PUBLIC_PATHS).union(*(s.public_paths() for s in self.sources))

    async def identify(self, request: Request) -> Identity:
        for source in self.sources:
            identity = await source.identify(request)
            if identity is not None and identity.username:
                return identity
        return ANONYMOUS

    def is_public(self, path: str) -> bool:
        return path in self.public_paths or path.startswith(PUBLIC_PREFIXES)

    def deny(self, request: Request, path: str) -> Response:
        page = is_page_request(path, request.scope)
        for source in self.sources:
            response = source.deny(request, page)
            if response is not None:
                return response
        if page and self.login_url:
            return RedirectResponse(self.login_url, status_code=303, headers={"Cache-Control": "no-store"})
        if page:
            return HTMLResponse(
                "<!doctype html><title>Sign in required</title><h1>Sign in required</h1>"
                "<p>You need to sign in to use this app.</p>",
                status_code=401,
                headers={**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'none'", **NO_STORE},
            )
        return error_response(401, "unauthorized", "sign in to use this app", {"Cache-Control": "no-store"})


class Guard:
    """Who may reach what: asked by the edge (`Edge(admit=guard.admit)`) before every request reaches a route.

    A gate rather than a wrapper: once a request is let in, nothing of the guard stays on its call stack while
    the route answers (an event stream held open for minutes keeps one frame fewer)."""

    def __init__(self, authenticator: Authenticator, settings: Any) -> None:
        self.authenticator = authenticator
        self.settings = settings
        self.forwarded = ForwardedHeaders(settings.trusted_proxies)

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """True if the request may go on to its route; otherwise it has been answered here."""
        if scope["type"] not in ("http", "websocket"):
            return True
        self.forwarded.apply(scope)  # before anything reads a URL, a client address or the identity
        scope["mountui.settings"] = self.settings
        path = route_path(scope)
        public = self.authenticator.is_public(path)
        try:
            identity = await self._identify(scope, receive, path, public)
        except StoreUnavailableError as exc:
            await call_error_response(exc)(scope, receive, send)
            return False
        if identity is None:
            response = error_response(403, "cross_site", "requests from other sites are refused")
            await response(scope, receive, send)
            return False
        scope["mountui.identity"] = identity
        if public or identity.username or not self.authenticator.required:
            return True
        logger.info("mountui: refused %s %r: not signed in", scope.get("method", "WS"), path)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401})
            return False
        await self.authenticator.deny(Request(scope, receive), path)(scope, receive, send)
        return False

    async def _identify(self, scope: Scope, receive: Receive, path: str, public: bool) -> Identity | None:
        """The caller, once per request; None when the request was refused as cross-site."""
        # A websocket has no Request; identity sources read headers and cookies, which both have.
        request = Request(scope, receive) if scope["type"] == "http" else HTTPConnection(scope)
        # Decided once, here, for every route: the public sign-in routes read it to refuse in their own words.
        reason = scope["mountui.cross_site"] = from_other_site(request, self.settings.allowed_origins)
        if public:
            return ANONYMOUS
        if reason and scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            # Another site made the browser send this (a form posting to api/, a hidden upload).
            logger.warning("mountui: refused a cross-site %s to %r (%s)", scope["method"], path, reason)
            return None
        try:
            return await self.authenticator.identify(request)  # type: ignore[arg-type]
        except StoreUnavailableError:
            raise  # "cannot tell right now" (503), never "not signed in"
        except Exception:
            # An identity source that raises denies; it never lets the caller through.
            logger.exception("mountui: identifying the caller failed; refusing the request")
            return ANONYMOUS
