"""Behind a real nginx, under /apps/demo/: calls, streams, files, sign-in and the OAuth callback URL."""

from __future__ import annotations

import secrets
import time
from urllib.parse import parse_qs, quote, urlsplit

import httpx
from proxy_helpers import (
    REMOTE_CLIENT,
    SECRET,
    USERS,
    check_file_downloads_under_the_prefix,
    check_first_event_arrives_before_the_function_finishes,
    sse_events,
)
from proxy_scenarios import SCENARIOS, Scenario, scenario_params

import mountui


@scenario_params(SCENARIOS)
def test_a_call_works_through_the_proxy(deploy, scenario: Scenario):
    deployment = deploy(scenario)

    with deployment.client() as client:
        assert deployment.call(client, "greet", ["Ada"]) == ["Hello, Ada!"]
        health = client.get(f"{deployment.url}healthz")

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}


@scenario_params(SCENARIOS)
def test_the_api_docs_show_the_public_url(deploy, scenario: Scenario):
    deployment = deploy(scenario)
    public = f"{deployment.public_origin}{deployment.base_path}"

    with deployment.client() as client:
        openapi = client.get(f"{deployment.url}openapi.json")
        docs = client.get(f"{deployment.url}docs")

    assert openapi.json()["servers"] == [{"url": public}]
    assert docs.status_code == 200
    assert f"{public}/" in docs.text


@scenario_params(SCENARIOS)
def test_the_oauth_redirect_uri_is_the_public_url(deploy, scenario: Scenario):
    deployment = deploy(scenario)

    with deployment.client() as client:
        [where] = deployment.call(client, "where", [])

    assert where["redirect_uri"] == f"{deployment.public_origin}{deployment.base_path}/oauth/callback"
    assert where["base_path"] == deployment.base_path
    assert where["scheme"] == ("https" if scenario.tls else "http")
    assert where["client"] == REMOTE_CLIENT


@scenario_params(SCENARIOS)
def test_oauth_sign_in_gives_the_provider_the_public_callback_url(deploy, oidc_provider, scenario: Scenario):
    client_id, client_secret = f"proxy-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    oauth = mountui.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret)
    deployment = deploy(scenario, oauth=oauth, secret_key=SECRET)
    callback = f"{deployment.public_origin}{deployment.base_path}/oauth/callback"
    oidc_provider.register_client(client_id, client_secret, [callback])

    with deployment.client() as client:
        start = client.get(f"{deployment.url}oauth/login")
        assert start.status_code == 302, start.text
        authorize = start.headers["location"]
        # The provider checks the redirect_uri against the one registered for this client.
        at_provider = client.get(authorize)

    assert parse_qs(urlsplit(authorize).query)["redirect_uri"] == [callback]
    assert f"Path={deployment.base_path}/" in start.headers["set-cookie"]
    assert at_provider.status_code in (302, 303), at_provider.text
    assert "error" not in parse_qs(urlsplit(at_provider.headers["location"]).query)


@scenario_params(SCENARIOS)
def test_file_urls_carry_the_prefix_and_download_through_the_proxy(deploy, scenario: Scenario):
    check_file_downloads_under_the_prefix(deploy(scenario))


@scenario_params(SCENARIOS)
def test_a_stream_delivers_its_first_event_before_the_function_finishes(deploy, scenario: Scenario):
    check_first_event_arrives_before_the_function_finishes(deploy(scenario))


@scenario_params(SCENARIOS[:1] + SCENARIOS[2:3])
def test_heartbeats_reach_the_client_through_the_proxy_while_a_call_waits(deploy, scenario: Scenario):
    deployment = deploy(scenario, heartbeat_interval=0.2)

    with (
        deployment.client(timeout=httpx.Timeout(20, read=10)) as client,
        client.stream(
            "POST", f"{deployment.url}api/stream", json={"data": []}, headers={"Accept": "text/event-stream"}
        ) as response,
    ):
        events = sse_events(response.iter_lines())
        next(data for name, data in events if name == "output")
        waited_from = time.monotonic()
        comment = next(data for name, data in events if name == "comment")
        waited = time.monotonic() - waited_from
        deployment.gate.release.set()
        list(events)

    assert comment.startswith("ping")
    assert waited < 5


@scenario_params(SCENARIOS)
def test_sign_in_and_sign_out_stay_inside_the_prefix(deploy, scenario: Scenario):
    deployment = deploy(scenario, auth=USERS, secret_key=SECRET)
    base = deployment.base_path
    # Form posts from the app's own page carry its origin, https when nginx terminates TLS.
    with deployment.client(headers={"Origin": deployment.public_origin}) as client:
        page = client.get(deployment.url)
        assert page.status_code == 303
        assert page.headers["location"] == f"{base}/login?next={quote(base + '/', safe='')}"

        form = client.get(deployment.proxy + page.headers["location"])
        assert form.status_code == 200

        signed_in = client.post(
            f"{deployment.url}login",
            data={"username": USERS[0][0], "password": USERS[0][1], "next": f"{base}/"},
        )
        assert signed_in.status_code == 303, signed_in.text
        assert signed_in.headers["location"] == f"{base}/"
        cookie = signed_in.headers["set-cookie"]
        assert f"Path={base}/" in cookie
        assert ("Secure" in cookie) == scenario.tls
        session = cookie.split(";", 1)[0]

        assert client.get(deployment.url, headers={"Cookie": session}).status_code == 200

        signed_out = client.get(f"{deployment.url}logout", headers={"Cookie": session})
        assert signed_out.status_code in (302, 303)
        assert signed_out.headers["location"].startswith(f"{base}/login")
        assert client.get(deployment.url, headers={"Cookie": session}).status_code == 303


@scenario_params(SCENARIOS[:1])
def test_a_large_upload_passes_the_proxy(deploy, scenario: Scenario):
    deployment = deploy(scenario)
    payload = b"x" * (3 * 1024 * 1024)  # over nginx's default client_max_body_size of 1 MB

    with deployment.client() as client:
        response = client.post(f"{deployment.url}upload", files={"files": ("big.bin", payload)})

    assert response.status_code == 200, response.text
    [uploaded] = response.json()["files"]
    assert uploaded["size"] == len(payload)


def test_the_mount_path_without_its_slash_redirects_to_the_public_page(deploy):
    deployment = deploy(SCENARIOS[2])  # FastAPI host, UI at /ui, https

    with deployment.client() as client:
        bare = client.get(deployment.proxy + "/apps/demo/ui")
        outside = client.get(deployment.proxy + "/ui/")

    assert bare.status_code in (301, 307)
    assert bare.headers["location"] == f"{deployment.public_origin}/apps/demo/ui/"
    assert outside.status_code == 404


@scenario_params(SCENARIOS[:2])
def test_a_client_cannot_forge_forwarded_headers_through_the_documented_nginx(deploy, scenario: Scenario):
    deployment = deploy(scenario)
    forged = {
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Prefix": "/evil",
        "X-Forwarded-Proto": "https" if not scenario.tls else "http",
        "Forwarded": "for=198.51.100.66;host=evil.example;proto=https",
    }

    with deployment.client(headers=forged) as client:
        [where] = deployment.call(client, "where", [])

    assert where["redirect_uri"] == f"{deployment.public_origin}{deployment.base_path}/oauth/callback"
