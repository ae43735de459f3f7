"""Password sign-in over real HTTP: the form, the redirect back, the user in functions, and refusals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from auth_helpers import SECRET, USERS, browser_headers, greeting_demo, sign_in

import mountui
from mountui.errors import ConfigError


def call(client: httpx.Client, app_url: str, endpoint: str, data: list[Any]) -> httpx.Response:
    return client.post(f"{app_url}/api/{endpoint}", json={"data": data})


@pytest.mark.parametrize("mount", ["", "/tools/ui"])
def test_sign_in_use_the_app_and_sign_out(
    mount: str, password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app(mount)
    # Anonymous: the page sends the browser to the form, with the way back; the API says 401.
    response = client.get(f"{app}/?__theme=dark")
    assert response.status_code == 303
    assert response.headers["location"] == f"{mount}/login?" + urlencode({"next": f"{mount}/?__theme=dark"})
    assert call(client, app, "greet", ["Ann"]).status_code == 401

    form = client.get(app + response.headers["location"][len(mount) :])
    assert form.status_code == 200
    assert '<form method="post" action="login">' in form.text
    assert f'name="next" value="{mount}/?__theme=dark"' in form.text
    assert "<script" not in form.text
    csp = form.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
    assert form.headers["cache-control"] == "no-store"

    signed_in = sign_in(client, app, "alice", "wonderland-42", f"{mount}/?__theme=dark")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == f"{mount}/?__theme=dark"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path={mount}/" in cookie
    assert "Secure" not in cookie  # plain http here; see test_cookie_is_secure_behind_https
    assert "alice" not in cookie  # only a signed session id, nothing readable

    assert client.get(f"{app}/").status_code == 200
    assert client.get(f"{app}/config").json()["username"] == "alice"
    assert call(client, app, "greet", ["Ann"]).json() == {"data": ["Hello Ann, signed in as alice"]}
    assert call(client, app, "welcome", []).json() == {"data": ["<p>Welcome, alice!</p>\n"]}

    out = client.get(f"{app}/logout")
    assert out.status_code == 303
    assert out.headers["location"] == f"{mount}/login"
    assert out.headers["cache-control"] == "no-store"
    assert "Max-Age=0" in out.headers["set-cookie"]
    assert client.get(f"{app}/config").status_code == 401
    assert call(client, app, "greet", ["Ann"]).status_code == 401


def test_wrong_password_or_unknown_user_is_refused(
    password_app: Callable[..., str], client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    app = password_app()
    caplog.set_level(logging.INFO, logger="mountui.auth")
    for username, password in [("alice", "builder-77"), ("mallory", "wonderland-42"), ("alice", "")]:
        response = sign_in(client, app, username, password)
        assert response.status_code in (400, 401)
        assert "set-cookie" not in response.headers
        assert "Wrong username or password." in response.text or "Enter your username" in response.text
        assert f'value="{username}"' in response.text  # the username stays filled in
        assert client.get(f"{app}/config").status_code == 401
    # Both users of the list can sign in; each is who they say.
    for username, password in USERS:
        with httpx.Client() as browser:
            assert sign_in(browser, app, username, password).status_code == 303
            assert browser.get(f"{app}/config").json()["username"] == username
    log = caplog.text
    assert "refused sign-in of 'alice'" in log and "wrong username or password" in log
    assert "builder-77" not in log and "wonderland-42" not in log


def test_signed_in_visit_to_the_form_goes_back_to_the_app(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app("/ui")
    sign_in(client, app, "alice", "wonderland-42")
    response = client.get(f"{app}/login", params={"next": "/ui/?tab=2"})
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/?tab=2"


OFF_SITE = [
    "//evil.example",
    "//evil.example/ui/",
    "https://evil.example",
    "https://evil.example/ui/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "/..//evil.example",
]
OUTSIDE_THE_MOUNT = ["/ui/../evil", "/ui/%2e%2e/evil", "/uinext", "/", "/other/"]


@pytest.mark.parametrize(
    ("mount", "target"),
    [("", t) for t in OFF_SITE] + [("/ui", t) for t in OFF_SITE + OUTSIDE_THE_MOUNT],
)
def test_next_never_leaves_the_app(
    mount: str, target: str, password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app(mount)
    form = client.get(f"{app}/login", params={"next": target})
    assert f'name="next" value="{mount}/"' in form.text  # an unsafe target is not even put in the form
    response = sign_in(client, app, "alice", "wonderland-42", target)
    assert response.status_code == 303
    assert response.headers["location"] == f"{mount}/"


@pytest.mark.parametrize("target", ["/ui/", "/ui/?x=%2F%2Fok&y=1", "/ui/docs", "/ui/?name=Jos%C3%A9"])
def test_next_inside_the_app_is_followed(
    target: str, password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app("/ui")
    assert sign_in(client, app, "alice", "wonderland-42", target).headers["location"] == target


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},
    ],
)
def test_a_cross_site_post_to_login_is_refused(
    headers: dict[str, str], password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app()
    response = client.post(
        f"{app}/login", data={"username": "alice", "password": "wonderland-42"}, headers=headers
    )
    assert response.status_code == 403
    assert "came from another site" in response.text
    assert "set-cookie" not in response.headers
    assert client.get(f"{app}/config").status_code == 401


def test_a_script_without_browser_headers_can_sign_in(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    # No Origin and no Sec-Fetch-Site: not a browser, so no other site can be behind it.
    app = password_app()
    response = client.post(f"{app}/login", data={"username": "bob", "password": "builder-77"})
    assert response.status_code == 303
    assert client.get(f"{app}/config").json()["username"] == "bob"


def test_cookie_is_secure_behind_https(serve: Callable[..., str], client: httpx.Client) -> None:
    app = serve(
        greeting_demo().build_app(auth=USERS, secret_key=SECRET, public_url="https://apps.example/ui")
    )
    response = client.post(
        f"{app}/login",
        data={"username": "alice", "password": "wonderland-42"},
        headers={"Origin": "https://apps.example", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/"
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "Path=/ui/" in cookie


# --- auth as a function -----------------------------------------------------------------------------


def check_sync(username: str, password: str) -> bool:
    return username == "carol" and password == "sync-pass"


async def check_async(username: str, password: str) -> bool:
    await asyncio.sleep(0)
    return username == "carol" and password == "async-pass"


def check_with_request(username: str, password: str, request: mountui.Request) -> bool:
    # A function that also looks at the request: only clients that say who sent them.
    return password == "req-pass" and request.headers.get("x-team") == "blue" and request.client is not None


def check_returns_coroutine(username: str, password: str) -> Any:
    return check_async(username, password)


class CheckObject:
    async def __call__(self, username: str, password: str) -> bool:
        return password == "object-pass"


def check_truthy_string(username: str, password: str) -> Any:
    return "yes"  # not True: refused


def check_raises(username: str, password: str) -> bool:
    raise RuntimeError("the user database is down")


@pytest.mark.parametrize(
    ("auth", "password", "extra_headers", "accepted"),
    [
        (check_sync, "sync-pass", {}, True),
        (check_sync, "async-pass", {}, False),
        (check_async, "async-pass", {}, True),
        (check_async, "sync-pass", {}, False),
        (check_with_request, "req-pass", {"X-Team": "blue"}, True),
        (check_with_request, "req-pass", {"X-Team": "red"}, False),
        (check_returns_coroutine, "async-pass", {}, True),
        (CheckObject(), "object-pass", {}, True),
        (check_truthy_string, "anything", {}, False),
        (check_raises, "anything", {}, False),
    ],
)
def test_auth_function(
    auth: Any,
    password: str,
    extra_headers: dict[str, str],
    accepted: bool,
    password_app: Callable[..., str],
    client: httpx.Client,
) -> None:
    app = password_app(auth=auth)
    response = client.post(
        f"{app}/login",
        data={"username": "carol", "password": password},
        headers={**browser_headers(app), **extra_headers},
    )
    assert response.status_code == (303 if accepted else 401)
    config = client.get(f"{app}/config")
    if accepted:
        assert config.json()["username"] == "carol"
        assert call(client, app, "greet", ["Dan"]).json() == {"data": ["Hello Dan, signed in as carol"]}
    else:
        assert config.status_code == 401


@pytest.mark.parametrize(
    "auth", [("alice",), ("alice", 42), [], "alice:pw", [("alice", "pw"), ("bob",)], ("", "pw"), 42]
)
def test_a_malformed_auth_setting_fails_at_start_up(auth: Any) -> None:
    with pytest.raises(ConfigError, match="auth="):
        greeting_demo().build_app(auth=auth, secret_key=SECRET)


def test_auth_message_is_shown_as_markdown_and_sanitized(
    password_app: Callable[..., str], client: httpx.Client
) -> None:
    app = password_app(auth_message="Ask **Ann** for an account. <script>alert(1)</script>")
    page = client.get(f"{app}/login").text
    assert "Ask <strong>Ann</strong> for an account." in page
    assert "<script>" not in page
