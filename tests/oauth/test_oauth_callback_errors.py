"""Every way a callback can go wrong ends on a friendly page, with a clear log line and no session."""

from __future__ import annotations

import asyncio
import logging

import pytest
from oauth_helpers import (
    SECRET,
    authorize_at_provider,
    call,
    oauth_demo,
    query_of,
    session_cookies,
    start_sign_in,
)
from support.ports import free_port

import mountui
from mountui.store import MemoryStore


@pytest.fixture
def auth_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mountui.auth")
    return caplog


def assert_not_signed_in(client, server) -> None:
    assert call(client, server.url, "whoami").json()["data"][0] == {"signed_in": False, "username": None}


def test_a_callback_with_a_forged_state_is_refused(oauth_server, client, auth_log):
    server = oauth_server()
    callback = authorize_at_provider(client, server.url, "alice")
    forged = callback.replace(f"state={query_of(callback)['state']}", "state=forged-by-an-attacker")

    answer = client.get(forged)

    assert answer.status_code == 400
    assert "This sign-in link has expired or was already used." in answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert session_cookies(answer) == []
    assert "unknown, expired or already used state" in auth_log.text
    assert_not_signed_in(client, server)


def test_a_callback_without_state_is_refused(oauth_server, client, auth_log):
    server = oauth_server()
    callback = authorize_at_provider(client, server.url, "alice")

    answer = client.get(server.callback, params={"code": query_of(callback)["code"]})

    assert answer.status_code == 400
    assert "The sign-in answer was incomplete." in answer.text
    assert session_cookies(answer) == []
    assert "no state or code" in auth_log.text
    assert_not_signed_in(client, server)


def test_a_callback_in_another_browser_is_refused(oauth_server, clients, auth_log):
    # A victim's browser must not finish a sign-in the attacker started (login CSRF): the state is bound
    # to the browser that opened P/oauth/login.
    server = oauth_server()
    attacker, victim = clients(), clients()
    callback = authorize_at_provider(attacker, server.url, "mallory")

    answer = victim.get(callback)

    assert answer.status_code == 400
    assert "started in another browser" in answer.text
    assert session_cookies(answer) == []
    assert "the state belongs to another browser" in auth_log.text
    assert_not_signed_in(victim, server)


def test_a_replayed_callback_creates_no_second_session(oauth_server, clients, auth_log):
    server = oauth_server()
    client = clients()
    callback = authorize_at_provider(client, server.url, "alice")
    first = client.get(callback)
    assert first.status_code == 303 and len(session_cookies(first)) == 1

    replay = client.get(callback)

    assert replay.status_code == 400
    assert "expired or was already used" in replay.text
    assert session_cookies(replay) == []


def test_a_replayed_code_is_refused_by_the_provider(oauth_server, client, auth_log):
    server = oauth_server()
    used = authorize_at_provider(client, server.url, "alice")
    assert client.get(used).status_code == 303
    client.get(f"{server.url}/oauth/logout")
    # A new sign-in starts (a fresh state, bound to this browser), but the old code comes back with it.
    fresh = client.get(f"{server.url}/oauth/login")
    state = query_of(fresh.headers["location"])["state"]

    answer = client.get(server.callback, params={"code": query_of(used)["code"], "state": state})

    assert answer.status_code == 502
    assert "did not confirm the sign-in" in answer.text
    assert session_cookies(answer) == []
    assert "the token request failed" in auth_log.text and "invalid_grant" in auth_log.text
    assert_not_signed_in(client, server)


def test_denied_access_at_the_provider(oauth_server, client, auth_log):
    server = oauth_server()
    callback = authorize_at_provider(client, server.url, "alice", consent="abort")
    assert query_of(callback)["error"] == "access_denied"

    answer = client.get(callback)

    assert answer.status_code == 403
    assert "Sign-in cancelled" in answer.text
    assert '<a href="/oauth/login">Try again</a>' in answer.text
    assert session_cookies(answer) == []
    assert "access_denied" in auth_log.text
    assert_not_signed_in(client, server)


def test_a_failing_token_endpoint(oauth_server, client, auth_log):
    server = oauth_server(client_secret="not-the-registered-secret")
    callback = authorize_at_provider(client, server.url, "alice")

    answer = client.get(callback)

    assert answer.status_code == 502
    assert "did not confirm the sign-in" in answer.text
    assert session_cookies(answer) == []
    assert "invalid_client" in auth_log.text
    assert_not_signed_in(client, server)


def test_an_unreachable_provider(serve, client, auth_log):
    nowhere = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    oauth = mountui.OAuth.oidc("Nowhere", nowhere, "id", "secret")
    url = serve(oauth_demo().build_app(oauth=oauth, secret_key=SECRET))

    answer = client.get(f"{url}/oauth/login")

    assert answer.status_code == 502
    assert "Nowhere could not be reached" in answer.text
    assert "could not start a sign-in with Nowhere" in auth_log.text


def test_the_sign_in_flow_cookie_is_short_lived_and_http_only(oauth_server, client):
    server = oauth_server()
    start = client.get(f"{server.url}/oauth/login")
    (cookie,) = start.headers.get_list("set-cookie")

    assert cookie.startswith("mountui-oauth-")
    assert "HttpOnly" in cookie and "Max-Age=600" in cookie and "SameSite=lax" in cookie
    provider_url = start.headers["location"]
    params = query_of(provider_url)
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["nonce"] and params["state"]
    assert params["redirect_uri"] == server.callback
    assert start_sign_in(client, server.url).status_code == 200  # the provider's sign-in form


def tamper_with_flow(store, state: str, **changes: str) -> None:
    """Change what the server remembered about a sign-in, as a bug or an attacker with a stale flow might."""

    async def change() -> None:
        flow = await store.get(f"oauth-flow:{state}")
        await store.set(f"oauth-flow:{state}", {**flow, **changes}, ttl=600)

    asyncio.run(change())


def test_an_id_token_with_another_nonce_is_refused(oauth_server, client, auth_log):
    store = MemoryStore()
    server = oauth_server(settings={"store": store})
    callback = authorize_at_provider(client, server.url, "alice")
    tamper_with_flow(store, query_of(callback)["state"], nonce="a-nonce-the-provider-never-saw")

    answer = client.get(callback)

    assert answer.status_code == 502
    assert "sent an invalid ID token" in answer.text
    assert session_cookies(answer) == []
    assert "bad ID token" in auth_log.text and "nonce" in auth_log.text
    assert_not_signed_in(client, server)


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(oauth_server, client, auth_log):
    store = MemoryStore()
    server = oauth_server(settings={"store": store})
    callback = authorize_at_provider(client, server.url, "alice")
    tamper_with_flow(store, query_of(callback)["state"], code_verifier="x" * 64)

    answer = client.get(callback)

    assert answer.status_code == 502
    assert session_cookies(answer) == []
    assert "invalid_grant" in auth_log.text
    assert_not_signed_in(client, server)
