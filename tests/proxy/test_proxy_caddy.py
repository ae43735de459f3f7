"""Behind a real Caddy running docs/deploy-caddy.Caddyfile, under /apps/demo/: page, assets, calls, streams, files."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest
from proxy_helpers import (
    DOCS,
    PREFIX,
    Deployment,
    StreamGate,
    check_file_downloads_under_the_prefix,
    check_first_event_arrives_before_the_function_finishes,
)
from proxy_scenarios import Scenario, host_app, scenario_params
from support.caddy import ADDRESS

CADDY_SNIPPET = DOCS / "deploy-caddy.Caddyfile"
DOCS_SITE = "example.com {"
DOCS_UPSTREAM = "reverse_proxy 127.0.0.1:8000 {"

# Caddy in front of plain http: the app alone as launch() serves it (prefix from X-Forwarded-Prefix), and a
# FastAPI host with the UI at /ui, wrapped in mountui's middleware (uvicorn --no-proxy-headers).
CADDY_SCENARIOS = [
    Scenario("alone-forwarded-prefix-http", None, root_path=False, tls=False, uvicorn_proxy_headers=False),
    Scenario(
        "fastapi-ui-middleware-http",
        "/ui",
        root_path=False,
        tls=False,
        uvicorn_proxy_headers=False,
        middleware=True,
    ),
]


def caddy_snippet(upstream: str) -> str:
    """docs/deploy-caddy.Caddyfile with the test's site address and upstream."""
    text = CADDY_SNIPPET.read_text()
    assert text.count(DOCS_SITE) == 1, "the documented Caddyfile no longer serves the documented site"
    assert text.count(DOCS_UPSTREAM) == 1, (
        "the documented Caddyfile no longer proxies to the documented upstream"
    )
    text = text.replace(DOCS_SITE, f"{ADDRESS} {{")
    return text.replace(DOCS_UPSTREAM, f"reverse_proxy {urlsplit(upstream).netloc} {{")


@pytest.fixture
def deploy_caddy(serve: Callable[..., str], caddy: Callable[[str], str]) -> Callable[..., Deployment]:
    """``deployment = deploy_caddy(scenario, **settings)``: the demo app served as `scenario` says, behind Caddy."""

    def start(scenario: Scenario, **settings: object) -> Deployment:
        gate = StreamGate()
        upstream = serve(
            host_app(scenario, gate, settings),
            root_path=PREFIX if scenario.root_path else "",
            proxy_headers=scenario.uvicorn_proxy_headers,
        )
        proxy = caddy(caddy_snippet(upstream))
        return Deployment(proxy=proxy, base_path=scenario.base_path, tls=scenario.tls, gate=gate)

    return start


def test_the_guide_shows_the_tested_caddy_file_verbatim():
    guide = (DOCS / "deploy.md").read_text()
    blocks = re.findall(r"```caddy\n(.*?)```", guide, flags=re.DOTALL)

    assert CADDY_SNIPPET.read_text() in blocks


@scenario_params(CADDY_SCENARIOS)
def test_the_page_and_its_assets_load_through_caddy(deploy_caddy, scenario: Scenario):
    deployment = deploy_caddy(scenario)

    with deployment.client() as client:
        page = client.get(deployment.url)
        assets = re.findall(r'(?:href|src)="([^"]+)"', page.text)
        asset_status = {url: client.get(urljoin(deployment.url, url)).status_code for url in assets}

    assert page.status_code == 200
    assert "<title>Proxy demo</title>" in page.text
    assert any(re.match(r"static/[^/]+\.js$", url) for url in assets), assets
    assert any(re.match(r"static/[^/]+\.css$", url) for url in assets), assets
    assert set(asset_status.values()) == {200}, asset_status


@scenario_params(CADDY_SCENARIOS)
def test_a_call_sees_the_public_prefix_through_caddy(deploy_caddy, scenario: Scenario):
    deployment = deploy_caddy(scenario)
    forged = {
        "X-Forwarded-Prefix": "/evil",
        "X-Forwarded-Host": "evil.example",
        "Forwarded": "host=evil.example",
    }

    with deployment.client(headers=forged) as client:
        assert deployment.call(client, "greet", ["Ada"]) == ["Hello, Ada!"]
        [where] = deployment.call(client, "where", [])

    assert where["base_path"] == deployment.base_path
    assert where["redirect_uri"] == f"{deployment.proxy}{deployment.base_path}/oauth/callback"
    assert where["scheme"] == "http"


@scenario_params(CADDY_SCENARIOS)
def test_file_urls_carry_the_prefix_and_download_through_caddy(deploy_caddy, scenario: Scenario):
    check_file_downloads_under_the_prefix(deploy_caddy(scenario))


@scenario_params(CADDY_SCENARIOS)
def test_a_stream_delivers_its_first_event_through_caddy_before_the_function_finishes(
    deploy_caddy, scenario: Scenario
):
    check_first_event_arrives_before_the_function_finishes(deploy_caddy(scenario))
