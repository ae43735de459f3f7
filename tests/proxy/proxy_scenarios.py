"""The deployments the proxy tests put behind nginx: the app alone or in a FastAPI host, with which flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from proxy_helpers import PREFIX, StreamGate, make_demo
from starlette.middleware.gzip import GZipMiddleware

import mountui
from mountui.http.proxy import ForwardedHeadersMiddleware


@dataclass(frozen=True)
class Scenario:
    """How the app is served: alone or in a FastAPI host, with which uvicorn flags, behind which nginx."""

    name: str
    mount: str | None  # None: the app alone, as launch() serves it; else its path in a FastAPI host
    root_path: bool  # uvicorn --root-path /apps/demo
    tls: bool  # nginx terminates TLS (X-Forwarded-Proto https)
    uvicorn_proxy_headers: bool  # uvicorn's own --proxy-headers handling (its default)
    forward_prefix: bool = True  # the snippet's X-Forwarded-Prefix line kept
    middleware: bool = False  # the host wrapped in mountui's ForwardedHeadersMiddleware

    @property
    def base_path(self) -> str:
        return PREFIX + (self.mount or "").rstrip("/")


SCENARIOS = [
    # launch() serves the app alone with --no-proxy-headers; the prefix comes from X-Forwarded-Prefix.
    Scenario("alone-forwarded-prefix-https", None, root_path=False, tls=True, uvicorn_proxy_headers=False),
    Scenario(
        "alone-root-path-http",
        None,
        root_path=True,
        tls=False,
        uvicorn_proxy_headers=False,
        forward_prefix=False,
    ),
    # A FastAPI host under plain `uvicorn --root-path`: uvicorn applies X-Forwarded-For/Proto itself.
    Scenario("fastapi-ui-root-path-https", "/ui", root_path=True, tls=True, uvicorn_proxy_headers=True),
    Scenario("fastapi-root-mount-root-path-http", "/", root_path=True, tls=False, uvicorn_proxy_headers=True),
    # A FastAPI host that leaves the forwarded headers to mountui's middleware (uvicorn --no-proxy-headers).
    Scenario(
        "fastapi-a-b-middleware-https",
        "/a/b",
        root_path=False,
        tls=True,
        uvicorn_proxy_headers=False,
        middleware=True,
    ),
]
HTTP_SCENARIOS = [s for s in SCENARIOS if not s.tls]


def scenario_params(scenarios: list[Scenario]) -> Any:
    return pytest.mark.parametrize("scenario", scenarios, ids=[s.name for s in scenarios])


def host_app(scenario: Scenario, gate: StreamGate, settings: dict[str, Any]) -> Any:
    demo = make_demo(gate)
    if scenario.mount is None:
        return demo.build_app(**settings)
    # A typical host: its own routes, gzip for its JSON, and no docs pages of its own in the UI's way.
    host = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    host.add_middleware(GZipMiddleware, minimum_size=100)

    @host.get("/host/ping")
    def ping() -> dict[str, str]:
        return {"host": "ok"}

    mountui.mount_ui_app(host, demo, scenario.mount, **settings)
    if scenario.middleware:
        return ForwardedHeadersMiddleware(host, trusted_proxies=["127.0.0.1", "::1"])
    return host
