"""Every route of a mounted UI refuses anonymous callers, except a short, deliberate list of public ones.

The routes are enumerated from the sub-app itself, so a route added later is checked without anyone
remembering to add it here.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from auth_helpers import SECRET, USERS, greeting_demo
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

import mountui
from mountui.server.app import UIApp

# Reachable without signing in. A new public route must be added here on purpose, with a reason.
EXPECTED_PUBLIC = {
    "/favicon.ico",  # the browser asks for it on the login page
    "/healthz",  # load balancers
    "/embed.js",  # other sites' pages load it to embed the app (it only imports the public bundle)
    "/login",  # the login form
    "/logout",  # signing out needs no sign-in
    "/manifest.webmanifest",  # pwa=True: browsers fetch the manifest without credentials
    "/sw.js",  # pwa=True: the service worker, registered by the page at the mount path
    "/icon-192.png",  # pwa=True: the manifest's icons, fetched like it
    "/icon-512.png",
    "/icon.svg",
    "/oauth/login",  # OAuth: starts the sign-in at the provider
    "/oauth/callback",  # OAuth: the provider sends the browser back here
    "/oauth/logout",  # OAuth: signing out needs no sign-in
    "/oauth/handoff",  # OAuth in a frame: starts a pop-up sign-in (answers only a random id and claim)
    "/oauth/handoff/redeem",  # OAuth in a frame: takes its session, given the claim and the pop-up's code
    "/oauth/handoff.js",  # OAuth in a frame: the pop-up's script that hands the code back
}
EXPECTED_PUBLIC_PREFIXES = ("/static/",)  # the built frontend bundle


def _fill(path: str) -> str:
    # A well-formed but unknown id for every path parameter ({event_id}, {file_id}, {name:path}, ...).
    return re.sub(r"\{[^}]+\}", secrets.token_urlsafe(16), path)


def enumerate_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) for every route, sub-mount and websocket route, path parameters filled in."""
    for route in routes:
        if isinstance(route, Mount):
            path = prefix + _fill(route.path)
            yield from enumerate_routes(list(route.routes), path)
            for method in ("GET", "POST"):  # the mount itself, and any path inside it
                yield method, path + "/"
                yield method, path + "/anything"
        elif isinstance(route, Route):
            # No methods: an ASGI app (the MCP server) that takes any method.
            for method in sorted((route.methods or {"GET", "POST", "DELETE"}) - {"HEAD"}):
                yield method, prefix + _fill(route.path)
        elif isinstance(route, WebSocketRoute):
            yield "GET", prefix + _fill(route.path)  # a plain GET reaches the guard the same way
        else:
            raise AssertionError(f"unknown route type {type(route).__name__}: teach this test about it")


def _all_routes(ui: UIApp) -> list[tuple[str, str]]:
    source_routes = [r for source in ui.sources for r in source.routes()]
    found = set(enumerate_routes(list(ui.router.routes))) | set(enumerate_routes(source_routes))
    found |= {("GET", "/no-such-route"), ("POST", "/api/no_such_endpoint"), ("GET", "/file/../config")}
    return sorted(found)


def _request(client: httpx.Client, base: str, method: str, path: str) -> httpx.Response:
    kwargs: dict[str, Any] = {}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {"data": []}
    return client.request(method, base + path, **kwargs)


def _dependency_nobody(request: Any) -> None:
    return None


OAUTH = mountui.OAuth.oidc("Test ID", "https://id.example/.well-known/openid-configuration", "app", "s3cret")
APPS = {  # with every optional route on (P/mcp, P/metrics, the PWA's), so the census sees it
    "password": dict(auth=USERS, secret_key=SECRET, mcp_server=True, pwa=True),
    "oauth": dict(oauth=OAUTH, require_login=True, secret_key=SECRET, mcp_server=True, pwa=True),
    "auth_dependency": dict(auth_dependency=_dependency_nobody, mcp_server=True, pwa=True),
    "both": dict(
        auth=USERS, secret_key=SECRET, auth_dependency=_dependency_nobody, mcp_server=True, pwa=True
    ),
    # P/metrics, and the scraper's token source, which must not open anything else.
    "metrics": dict(
        auth=USERS,
        secret_key=SECRET,
        mcp_server=True,
        metrics=True,
        metrics_token="a-scraper-token-0123456789",
    ),
}


@pytest.mark.parametrize("kind", list(APPS))
def test_every_route_outside_the_public_list_refuses_anonymous_callers(
    kind: str, serve: Callable[..., str], client: httpx.Client
) -> None:
    ui = greeting_demo().build_app(**APPS[kind])
    base = serve(ui)
    routes = _all_routes(ui)
    assert ("POST", "/login") in routes or kind in ("auth_dependency", "oauth")
    assert ("POST", "/mcp") in routes
    checked = 0
    for method, path in routes:
        if ui.authenticator.is_public(path):
            assert path in EXPECTED_PUBLIC or path.startswith(EXPECTED_PUBLIC_PREFIXES), (
                f"{path} is public; if that is intended, add it to EXPECTED_PUBLIC with a reason"
            )
            continue
        response = _request(client, base, method, path)
        checked += 1
        if (method, path) == ("GET", "/"):
            if kind == "auth_dependency":
                assert response.status_code == 401, path
                assert "Sign in required" in response.text
            elif kind == "oauth":
                assert response.status_code in (302, 303), path
                assert response.headers["location"].startswith("/oauth/login")
            else:
                assert response.status_code == 303, path
                assert response.headers["location"] == "/login?next=%2F"
            continue
        assert response.status_code == 401, f"{method} {path} answered {response.status_code} to nobody"
        assert response.json() == {"error": {"code": "unauthorized", "message": "sign in to use this app"}}
        assert response.headers["cache-control"] == "no-store"
    assert checked >= 8, "the enumeration found too few guarded routes to be believable"


def test_public_routes_are_only_the_expected_ones(serve: Callable[..., str], client: httpx.Client) -> None:
    ui = greeting_demo().build_app(auth=USERS, secret_key=SECRET, pwa=True)
    assert ui.authenticator.public_paths <= EXPECTED_PUBLIC
    base = serve(ui)
    assert client.get(base + "/login").status_code == 200
    assert client.get(base + "/healthz").status_code == 200
    # An installable app's manifest, worker and icons are fetched by the browser without credentials.
    for path in ("/manifest.webmanifest", "/sw.js", "/icon-192.png", "/icon-512.png"):
        assert client.get(base + path).status_code == 200, path
    assert client.post(base + "/deep_link", json={"values": {}}).status_code == 401
    # Public paths are matched exactly: nothing hides behind them.
    for path in ("/login/", "/login/../config", "/logout/x", "/healthz/../config", "/static/../config"):
        response = client.get(base + path)
        assert response.status_code in (401, 404), f"{path} answered {response.status_code}"
        assert "components" not in response.text
