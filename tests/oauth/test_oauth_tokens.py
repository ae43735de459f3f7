"""Tokens stay on the server: functions get them, the browser never does, and they are refreshed in time."""

from __future__ import annotations

import logging
import time

import pytest
from oauth_helpers import call, sign_in
from support.clock import FakeClock

OFFLINE = ("openid", "email", "profile", "offline_access")


@pytest.fixture(autouse=True)
def auth_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="mountui.auth")
    return caplog


def token_of(client, server) -> dict:
    return call(client, server.url, "token").json()["data"][0]


def turn_past(clock: FakeClock, expires_at: float) -> None:
    """Let the app's clock pass the token's expiry (the provider's own clock does not matter: the app never
    asks it whether a token is still good, it refreshes when its own clock says so)."""
    clock.advance(max(0.0, expires_at - clock()) + 1)


def test_a_function_gets_the_access_token_and_the_browser_never_does(oauth_server, client):
    server = oauth_server()
    signed_in = sign_in(client, server.url, "alice")

    token = token_of(client, server)
    assert token["scopes"] == ["openid", "email", "profile"]
    assert token["expires_at"] > time.time() + 3000
    seen_by_browser = [
        signed_in.headers.get("set-cookie", ""),
        client.get(f"{server.url}/").text,
        client.get(f"{server.url}/config").text,
        *(cookie.value for cookie in client.cookies.jar),
    ]
    assert not any(token["token"] in text for text in seen_by_browser)


def test_an_expired_access_token_is_refreshed(oauth_server, client, auth_log, clock):
    server = oauth_server(scopes=OFFLINE, access_token_ttl=600, refresh_leeway=0, clock=clock)
    sign_in(client, server.url, "alice")
    first = token_of(client, server)
    assert "offline_access" in first["scopes"]

    clock.advance(599)
    assert token_of(client, server) == first  # not due yet
    turn_past(clock, first["expires_at"])
    second = token_of(client, server)

    assert second["token"] != first["token"]
    assert second["expires_at"] > first["expires_at"]
    assert call(client, server.url, "whoami").json()["data"][0]["name"] == "Alice Liddell"
    assert "refreshed the Test ID access token of alice@example.com" in auth_log.text
    turn_past(clock, second["expires_at"])
    assert token_of(client, server)["token"] not in (first["token"], second["token"])


def test_without_a_refresh_token_the_user_signs_in_again(oauth_server, client, auth_log, clock):
    server = oauth_server(access_token_ttl=600, refresh_leeway=0, require_login=True, clock=clock)
    sign_in(client, server.url, "alice")
    first = token_of(client, server)

    turn_past(clock, first["expires_at"])

    assert call(client, server.url, "token").status_code == 401
    page = client.get(f"{server.url}/")
    assert page.status_code == 303 and page.headers["location"].startswith("/oauth/login?next=")
    assert "expired (no refresh token): sign in again" in auth_log.text
    # Signing in again is one click: the provider still knows the user and their consent.
    back = client.get(f"{server.url}/oauth/login", follow_redirects=True)
    assert back.url == f"{server.url}/"
    assert token_of(client, server)["token"] != first["token"]


def test_a_refused_refresh_ends_the_session(oauth_server, oidc_provider, client, auth_log, clock):
    server = oauth_server(scopes=OFFLINE, access_token_ttl=600, refresh_leeway=0, clock=clock)
    sign_in(client, server.url, "alice")
    first = token_of(client, server)
    # The provider's administrator rotates the client secret: the app's refresh request is refused.
    oidc_provider.register_client(
        server.client_id, "a-rotated-secret-the-app-does-not-have", [server.callback]
    )

    turn_past(clock, first["expires_at"])

    assert call(client, server.url, "whoami").json()["data"][0] == {"signed_in": False, "username": None}
    assert "refused to refresh the token of alice@example.com" in auth_log.text
    assert "invalid_client" in auth_log.text
