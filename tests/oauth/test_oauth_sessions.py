"""require_login on and off, what the page configuration says, where sign-in returns, and signing out."""

from __future__ import annotations

import pytest
from oauth_helpers import SECRET, call, oauth_demo, session_cookies, sign_in

import mountui
from mountui.errors import ConfigError


def whoami(client, server) -> dict:
    return call(client, server.url, "whoami").json()["data"][0]


def test_without_require_login_the_ui_is_open_and_functions_see_nobody(oauth_server, client):
    server = oauth_server()

    assert client.get(f"{server.url}/").status_code == 200
    config = client.get(f"{server.url}/config").json()
    assert config["username"] is None
    assert config["oauth"] == {"provider": "Test ID", "name": None, "picture": None}
    (button,) = [c for c in config["components"] if c["type"] == "LoginButton"]
    assert button["props"]["href"] == "oauth/login" and button["props"]["logout_href"] == "oauth/logout"
    assert button["value"] == ""
    assert whoami(client, server) == {"signed_in": False, "username": None}
    assert call(client, server.url, "greet", "Hi").json() == {"data": ["Hi, stranger!"]}


def test_with_require_login_the_page_redirects_and_the_api_answers_401(oauth_server, client):
    server = oauth_server(mount="/ui", settings={"require_login": True})

    page = client.get(f"{server.url}/", params={"__theme": "dark"})
    assert page.status_code == 303
    assert page.headers["location"] == "/ui/oauth/login?next=%2Fui%2F%3F__theme%3Ddark"
    for response in (client.get(f"{server.url}/config"), call(client, server.url, "whoami")):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    answer = sign_in(client, server.url, "alice", next_target="/ui/?__theme=dark")

    assert answer.headers["location"] == "/ui/?__theme=dark"
    assert whoami(client, server) == {
        "signed_in": True,
        "username": "alice@example.com",
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "sub": "alice",
    }
    config = client.get(f"{server.url}/config").json()
    assert config["username"] == "alice@example.com"
    assert config["oauth"]["name"] == "Alice Liddell"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "/elsewhere/",
        "ui",
    ],
)
def test_sign_in_never_returns_outside_the_app(oauth_server, client, target):
    server = oauth_server(mount="/ui")

    answer = sign_in(client, server.url, "alice", next_target=target)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/"


def test_sign_out_ends_the_session_and_an_old_cookie_is_refused(oauth_server, clients):
    server = oauth_server(mount="/ui")
    laptop, phone = clients(), clients()
    sign_in(laptop, server.url, "alice")
    sign_in(phone, server.url, "alice")
    stolen = [(c.name, c.value) for c in laptop.cookies.jar]

    out = laptop.get(f"{server.url}/oauth/logout", params={"all_session": "false"})

    assert out.status_code == 303 and out.headers["location"] == "/ui/"
    assert any("Max-Age=0" in c or "expires=" in c.lower() for c in session_cookies(out))
    assert whoami(laptop, server)["signed_in"] is False
    assert whoami(phone, server)["signed_in"] is True
    replay = clients()
    for name, value in stolen:
        if name.startswith("mountui-session-"):
            replay.cookies.set(name, value)
    assert whoami(replay, server)["signed_in"] is False

    phone.get(f"{server.url}/oauth/logout")  # all sessions of the user (the default, as for password logout)
    assert whoami(phone, server)["signed_in"] is False


def test_sign_out_with_require_login_shows_a_page_instead_of_signing_straight_in_again(oauth_server, client):
    server = oauth_server(require_login=True)
    sign_in(client, server.url, "alice")

    out = client.get(f"{server.url}/oauth/logout")

    assert out.status_code == 200
    assert "You have signed out." in out.text
    assert '<a href="/oauth/login">Sign in with Test ID</a>' in out.text
    assert call(client, server.url, "whoami").status_code == 401


def test_another_site_cannot_sign_the_user_out(oauth_server, client):
    server = oauth_server()
    sign_in(client, server.url, "alice")

    linked = client.get(f"{server.url}/oauth/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert linked.status_code == 200 and "Sign out?" in linked.text
    posted = client.post(
        f"{server.url}/oauth/logout",
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert posted.status_code == 403

    assert whoami(client, server)["signed_in"] is True
    confirmed = client.post(f"{server.url}/oauth/logout", headers={"Sec-Fetch-Site": "same-origin"})
    assert confirmed.status_code == 303
    assert whoami(client, server)["signed_in"] is False


def test_a_password_session_cookie_is_not_an_oauth_session(oauth_server, client):
    # Two mechanisms share the cookie name of a mount; a record of the other kind is never taken as ours.
    server = oauth_server(settings={"auth": [("carol", "a-long-password-1")]})
    login = client.post(
        f"{server.url}/login",
        data={"username": "carol", "password": "a-long-password-1"},
        headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"},
    )
    assert login.status_code == 303

    assert whoami(client, server) == {"signed_in": False, "username": "carol"}


def test_settings_are_checked_when_the_app_is_built(monkeypatch):
    monkeypatch.delenv("MOUNTUI_OAUTH_CLIENT_ID", raising=False)
    monkeypatch.delenv("MOUNTUI_OAUTH_CLIENT_SECRET", raising=False)
    with pytest.raises(ConfigError, match="MOUNTUI_OAUTH_CLIENT_ID and MOUNTUI_OAUTH_CLIENT_SECRET"):
        mountui.OAuth.google()
    with pytest.raises(ConfigError, match="must include 'openid'"):
        mountui.OAuth.google("id", "secret", scopes=("email",))
    with pytest.raises(ConfigError, match="https discovery URL"):
        mountui.OAuth.oidc("Corp", "http://idp.example/.well-known/openid-configuration", "id", "secret")
    with pytest.raises(ConfigError, match=r"oauth takes mountui\.OAuth"):
        oauth_demo().build_app(oauth="google", secret_key=SECRET)
    conflicting = mountui.OAuth.google("id", "secret", require_login=False)
    with pytest.raises(ConfigError, match="require_login is set twice"):
        oauth_demo().build_app(oauth=conflicting, require_login=True, secret_key=SECRET)

    monkeypatch.setenv("MOUNTUI_OAUTH_CLIENT_ID", "from-the-environment")
    monkeypatch.setenv("MOUNTUI_OAUTH_CLIENT_SECRET", "also-from-the-environment")
    google = mountui.OAuth.google()
    assert (google.client_id, google.client_secret) == ("from-the-environment", "also-from-the-environment")
    assert google.scopes == ("openid", "email", "profile")
    assert google.server_metadata_url == "https://accounts.google.com/.well-known/openid-configuration"
