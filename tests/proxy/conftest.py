"""Fixtures for the proxy tests: the demo app behind a real nginx (docs/deploy-nginx.conf), an OpenID provider."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from proxy_helpers import PREFIX, Deployment, StreamGate, nginx_snippet
from proxy_scenarios import Scenario, host_app


@pytest.fixture
def deploy(serve: Callable[..., str], nginx: Callable[..., str]) -> Callable[..., Deployment]:
    """``deployment = deploy(scenario, **settings)``: the demo app served as `scenario` says, behind nginx."""

    def start(scenario: Scenario, **settings: Any) -> Deployment:
        gate = StreamGate()
        app = host_app(scenario, gate, settings)
        upstream = serve(
            app,
            root_path=PREFIX if scenario.root_path else "",
            proxy_headers=scenario.uvicorn_proxy_headers,
        )
        proxy = nginx(nginx_snippet(upstream, tls=scenario.tls, forward_prefix=scenario.forward_prefix))
        return Deployment(proxy=proxy, base_path=scenario.base_path, tls=scenario.tls, gate=gate)

    return start
