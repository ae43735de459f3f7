"""The MCP server is behind the app's one guard: each of the three sign-in kinds refuses an MCP client without
credentials (401) and lets one in with them; the call runs as that user."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import httpx
from mcp_helpers import (
    SECRET,
    USERS,
    basic,
    mcp_client,
    oauth_access_token,
    oauth_demo,
    refusal,
    run,
    tool_demo,
)
from support.oidc import OIDCProvider

import mountui


async def greet_as(url: str, headers: dict[str, str]) -> str:
    async with mcp_client(url, headers) as client:
        result = await client.call_tool("greet", {"name": "Ada"})
        assert not result.is_error, result.content[0].text
        return result.content[0].text


def test_password_apps_take_http_basic_on_mcp(serve: Callable[..., str]) -> None:
    url = serve(tool_demo().build_app(mcp_server=True, auth=USERS, secret_key=SECRET)) + "/mcp"
    status, headers = run(refusal(url))
    assert status == 401
    assert headers["www-authenticate"].startswith('Basic realm="Tool shop"')
    assert run(refusal(url, basic("alice", "not-her-password")))[0] == 401
    assert run(greet_as(url, basic("alice", "wonderland-42"))) == "Hello, Ada! (signed in: alice)"


def test_basic_sign_ins_share_the_login_forms_throttle(serve: Callable[..., str]) -> None:
    base = serve(tool_demo().build_app(mcp_server=True, auth=USERS, secret_key=SECRET, max_login_attempts=2))
    # The client tries two requests with the wrong password before it gives up: two failed sign-ins.
    assert run(refusal(base + "/mcp", basic("alice", "guess")))[0] == 401
    status, headers = run(refusal(base + "/mcp", basic("alice", "wonderland-42")))
    assert status == 429 and int(headers["retry-after"]) > 0
    # The form is locked for that user too: one counter, whichever way the guesses came.
    form = httpx.post(
        base + "/login",
        data={"username": "alice", "password": "wonderland-42"},
        headers={"Origin": base, "Sec-Fetch-Site": "same-origin"},
    )
    assert form.status_code == 429


def test_auth_dependency_apps_read_the_mcp_request(serve: Callable[..., str]) -> None:
    tokens = {"tok-" + secrets.token_hex(8): "robot"}

    def from_bearer(request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return tokens.get(token) if scheme == "Bearer" else None

    url = serve(tool_demo().build_app(mcp_server=True, auth_dependency=from_bearer)) + "/mcp"
    status, headers = run(refusal(url))
    assert status == 401 and "www-authenticate" not in headers
    assert run(refusal(url, {"Authorization": "Bearer tok-wrong"}))[0] == 401
    (token,) = tokens
    assert run(greet_as(url, {"Authorization": f"Bearer {token}"})) == "Hello, Ada! (signed in: robot)"


def test_oauth_apps_take_the_providers_access_token(
    serve: Callable[..., str], oidc_provider: OIDCProvider
) -> None:
    client_id, client_secret = f"mcp-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    oauth = mountui.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret)
    base = serve(oauth_demo().build_app(mcp_server=True, oauth=oauth, require_login=True, secret_key=SECRET))
    oidc_provider.register_client(client_id, client_secret, [f"{base}/oauth/callback"])
    status, headers = run(refusal(base + "/mcp"))
    assert status == 401 and headers["www-authenticate"] == 'Bearer realm="Members"'
    assert run(refusal(base + "/mcp", {"Authorization": "Bearer not-a-token-of-the-provider"}))[0] == 401
    token = oauth_access_token(base, "alice")
    answer = run(greet_as(base + "/mcp", {"Authorization": f"Bearer {token}"}))
    assert answer == "Hello, Ada! (signed in: alice@example.com)"


def test_refused_bearer_tokens_lock_the_address_out_for_a_while(
    serve: Callable[..., str], oidc_provider: OIDCProvider
) -> None:
    # Each unknown token costs a request to the provider: an address that keeps sending bad ones is refused
    # without asking, like a client that keeps guessing passwords.
    client_id, client_secret = f"mcp-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    oauth = mountui.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret)
    app = oauth_demo().build_app(
        mcp_server=True,
        oauth=oauth,
        require_login=True,
        secret_key=SECRET,
        max_login_attempts=3,
        login_attempt_window=3,
    )
    base = serve(app)
    oidc_provider.register_client(client_id, client_secret, [f"{base}/oauth/callback"])
    good = oauth_access_token(base, "alice")  # a real token, not shown to the app yet

    def mcp_status(token: str) -> httpx.Response:
        initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
        return httpx.post(base + "/mcp", json=initialize, headers=headers)

    for n in range(3):
        assert mcp_status(f"guess-{n}-{secrets.token_hex(8)}").status_code == 401
    locked = mcp_status(f"guess-3-{secrets.token_hex(8)}")
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_sign_ins"
    assert 0 < int(locked.headers["retry-after"]) <= 3
    assert mcp_status(good).status_code == 429  # not even a real token is looked at meanwhile
    time.sleep(int(locked.headers["retry-after"]) + 0.5)
    answer = run(greet_as(base + "/mcp", {"Authorization": f"Bearer {good}"}))
    assert answer == "Hello, Ada! (signed in: alice@example.com)"


def test_oauth_access_rules_hold_for_bearer_tokens(
    serve: Callable[..., str], oidc_provider: OIDCProvider
) -> None:
    client_id, client_secret = f"mcp-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    oauth = mountui.OAuth.oidc(
        "Test ID", oidc_provider.metadata_url, client_id, client_secret, allowed_domains=["example.com"]
    )
    open_app = oauth_demo().build_app(
        mcp_server=True,
        oauth=mountui.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret),
        secret_key=SECRET,
    )
    base = serve(open_app)
    members = serve(oauth_demo().build_app(mcp_server=True, oauth=oauth, secret_key=SECRET))
    oidc_provider.register_client(client_id, client_secret, [f"{base}/oauth/callback"])
    bob = oauth_access_token(base, "bob")  # bob@other.test: a real token, outside allowed_domains
    assert run(refusal(members + "/mcp", {"Authorization": f"Bearer {bob}"}))[0] == 401


def test_an_anonymous_browser_opening_mcp_is_told_to_sign_in(serve: Callable[..., str]) -> None:
    base = serve(tool_demo().build_app(mcp_server=True, auth=USERS, secret_key=SECRET))
    page = httpx.get(base + "/mcp", headers={"Accept": "text/html"})
    assert page.status_code == 401
    assert "MCP server of Tool shop" in page.text and "open the app" in page.text
    assert "www-authenticate" not in page.headers  # no password dialog popping up in the browser
    assert "Tools" not in page.text  # nothing about the app's tools before signing in
    signed_in = httpx.get(base + "/mcp", headers={"Accept": "text/html", **basic("alice", "wonderland-42")})
    assert signed_in.status_code == 200 and "<code>greet</code>" in signed_in.text


def test_a_token_the_provider_issued_to_another_app_is_refused(
    serve: Callable[..., str], oidc_provider: OIDCProvider
) -> None:
    # Any app of the same provider can get an access token for its user; only tokens issued to this app's
    # own client sign in on its P/mcp (the provider's introspection says to whom).
    apps = {}
    for name in ("ours", "theirs"):
        client_id, client_secret = f"mcp-{name}-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
        oauth = mountui.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret)
        base = serve(
            oauth_demo().build_app(mcp_server=True, oauth=oauth, require_login=True, secret_key=SECRET)
        )
        oidc_provider.register_client(client_id, client_secret, [f"{base}/oauth/callback"])
        apps[name] = base
    theirs = oauth_access_token(apps["theirs"], "alice")
    assert run(greet_as(apps["theirs"] + "/mcp", {"Authorization": f"Bearer {theirs}"})).startswith("Hello")
    assert run(refusal(apps["ours"] + "/mcp", {"Authorization": f"Bearer {theirs}"}))[0] == 401
