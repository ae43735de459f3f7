"""Forwarded headers straight to uvicorn: believed from trusted proxies only, and only when well formed."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI
from proxy_helpers import PREFIX, REMOTE_CLIENT, SECRET, USERS, make_demo, nginx_snippet

import mountui
from mountui import ConfigError

FORGED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Prefix": "/evil",
    "X-Forwarded-For": "198.51.100.66",
    "Forwarded": "for=198.51.100.66;proto=https;host=evil.example",
}


def call(base: str, endpoint: str, headers: dict[str, str] | None = None) -> list:
    response = httpx.post(f"{base}/api/{endpoint}", json={"data": []}, headers=headers or {}, timeout=20)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def serve_alone(serve, **settings) -> str:
    """The demo alone, served the way launch() serves it (mountui reads forwarded headers itself)."""
    return serve(make_demo().build_app(**settings), proxy_headers=False)


def test_headers_from_an_untrusted_client_are_ignored(serve):
    # This client (127.0.0.1) is no trusted proxy here: only 10.9.8.7 is.
    base = serve_alone(serve, trusted_proxies=["10.9.8.7"], auth=USERS, secret_key=SECRET)
    port = base.rsplit(":", 1)[1]

    page = httpx.get(f"{base}/", headers=FORGED)
    signed_in = httpx.post(
        f"{base}/login",
        data={"username": USERS[0][0], "password": USERS[0][1]},
        headers={**FORGED, "Origin": base},
    )

    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    cookie = signed_in.headers["set-cookie"]
    assert "Path=/;" in cookie
    assert "Secure" not in cookie
    session = cookie.split(";", 1)[0]
    [where] = call(base, "where", {**FORGED, "Cookie": session})
    assert where == {
        "redirect_uri": f"http://127.0.0.1:{port}/oauth/callback",
        "base_path": "",
        "client": "127.0.0.1",
        "scheme": "http",
    }


def test_headers_from_a_trusted_proxy_are_used(serve):
    base = serve_alone(serve)  # trusted_proxies defaults to loopback

    [where] = call(
        base,
        "where",
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "apps.example.com",
            "X-Forwarded-Prefix": "/tools/demo/",
            "X-Forwarded-For": REMOTE_CLIENT,
        },
    )

    assert where == {
        "redirect_uri": "https://apps.example.com/tools/demo/oauth/callback",
        "base_path": "/tools/demo",
        "client": REMOTE_CLIENT,
        "scheme": "https",
    }


def test_the_rfc_7239_forwarded_header_is_understood(serve):
    base = serve_alone(serve, trusted_proxies=["127.0.0.1", "10.0.0.0/8"])
    # The client reached an edge proxy (10.1.1.1), which forwarded to the one on 127.0.0.1, then to us.
    forwarded = (
        f'for="{REMOTE_CLIENT}:4711";proto=https;host="apps.example.com", for=10.1.1.1;host=inner.local'
    )

    [where] = call(base, "where", {"Forwarded": forwarded})

    assert where["redirect_uri"] == "https://apps.example.com/oauth/callback"
    assert where["client"] == REMOTE_CLIENT


def test_the_client_is_found_past_every_trusted_proxy_in_x_forwarded_for(serve):
    base = serve_alone(serve, trusted_proxies=["127.0.0.1", "10.0.0.0/8"])

    [where] = call(base, "where", {"X-Forwarded-For": f"1.2.3.4, {REMOTE_CLIENT}, 10.0.0.7"})

    # 1.2.3.4 was written by the client itself: only addresses after the last untrusted one are believed.
    assert where["client"] == REMOTE_CLIENT


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Forwarded-Prefix", "//evil.example"),
        ("X-Forwarded-Prefix", "/%2f%2fevil.example"),
        ("X-Forwarded-Prefix", "/apps/../evil"),
        ("X-Forwarded-Prefix", "/apps\\evil"),
        ("X-Forwarded-Prefix", "https://evil.example/x"),
        ("X-Forwarded-Prefix", "/a?b=c"),
        ("X-Forwarded-Host", "evil.example/path"),
        ("X-Forwarded-Host", "user@evil.example"),
        ("X-Forwarded-Host", "evil.example:99999"),
        ("X-Forwarded-Host", "evil example"),
        ("X-Forwarded-Proto", "javascript"),
        ("Forwarded", 'for=198.51.100.66;host="evil.example/x"'),
        ("Forwarded", "host=evil.example;;;===="),
    ],
)
def test_malformed_values_from_a_trusted_proxy_are_ignored(serve, header, value):
    base = serve_alone(serve)
    port = base.rsplit(":", 1)[1]

    [where] = call(base, "where", {header: value})

    assert where["redirect_uri"] == f"http://127.0.0.1:{port}/oauth/callback"


def test_public_url_overrides_what_the_request_says(serve):
    base = serve_alone(serve, public_url="https://apps.example.com/demo/")

    [where] = call(base, "where", {"X-Forwarded-Host": "other.example", "X-Forwarded-Prefix": "/other"})
    [report] = httpx.post(f"{base}/api/report", json={"data": ["Ada"]}).json()["data"]

    assert where["redirect_uri"] == "https://apps.example.com/demo/oauth/callback"
    assert report["url"].startswith("/demo/file/")


def test_a_wildcard_trusts_every_peer(serve):
    base = serve_alone(serve, trusted_proxies="*")

    [where] = call(base, "where", {"X-Forwarded-Host": "apps.example.com", "X-Forwarded-Proto": "https"})

    assert where["redirect_uri"] == "https://apps.example.com/oauth/callback"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"trusted_proxies": ["10.0.0.1", "proxy.internal"]}, "'proxy.internal' is not an IP address"),
        ({"trusted_proxies": "10.0.0.0/33"}, "'10.0.0.0/33' is not an IP address"),
        ({"public_url": "ftp://example.com/"}, "public_url is the app's absolute address"),
        ({"public_url": "https://example.com/a?b=c"}, "public_url is the app's absolute address"),
        ({"public_url": "/apps/demo"}, "public_url is the app's absolute address"),
    ],
)
def test_proxy_settings_are_checked_at_start_up(settings, message):
    with pytest.raises(ConfigError, match=r"trusted_proxies|public_url") as raised:
        make_demo().build_app(**settings)
    assert message in str(raised.value)


def test_trusted_proxies_may_be_written_like_uvicorns_forwarded_allow_ips(serve):
    base = serve_alone(serve, trusted_proxies="10.0.0.1, 127.0.0.1")

    [where] = call(base, "where", {"X-Forwarded-Host": "apps.example.com"})

    assert where["redirect_uri"].startswith("http://apps.example.com/")


def test_a_warning_names_the_fix_when_uvicorn_hid_the_proxy(serve, nginx, caplog):
    # uvicorn's --proxy-headers (its default) replaces the proxy's address with the client's, so mountui
    # cannot believe X-Forwarded-Prefix; without --root-path the page's links would miss the prefix.
    host = FastAPI()
    mountui.mount_ui_app(host, make_demo(), "/ui")
    upstream = serve(host)
    proxy = nginx(nginx_snippet(upstream))

    with caplog.at_level(logging.WARNING, logger="mountui.proxy"):
        for _ in range(3):
            response = httpx.post(
                f"{proxy}{PREFIX}/ui/api/where", json={"data": []}, headers={"X-Forwarded-For": REMOTE_CLIENT}
            )
            assert response.json()["data"][0]["base_path"] == "/ui"

    warnings = [r.getMessage() for r in caplog.records if r.name == "mountui.proxy"]
    assert len(warnings) == 1
    assert "trusted_proxies" in warnings[0]
    assert "--root-path" in warnings[0]
