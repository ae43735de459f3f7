"""Shared by the OAuth tests: an app that greets whoever signed in, and signing in at the provider by HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

import mountui

SECRET = "an-oauth-test-secret-key-long-enough-0123456789"
PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "mallory": "mallory-password"}


def whoami(profile: mountui.OAuthProfile | None, request: mountui.Request) -> dict:
    """What a function learns about the caller: the profile, the username, never the raw cookie."""
    if profile is None:
        return {"signed_in": False, "username": request.username}
    return {
        "signed_in": True,
        "username": request.username,
        "name": profile.name,
        "email": profile.email,
        "sub": profile["sub"],
    }


def token_info(token: mountui.OAuthToken | None) -> dict:
    if token is None:
        return {"token": None}
    return {"token": token.token, "scopes": token.scopes, "expires_at": token.expires_at}


def greet(greeting: str, profile: mountui.OAuthProfile | None) -> str:
    return f"{greeting}, {profile.name if profile else 'stranger'}!"


def oauth_demo() -> mountui.Blocks:
    """A sign-in button, a greeting, and two API endpoints that show what functions receive."""
    with mountui.Blocks(title="OAuth demo") as demo:
        mountui.LoginButton()
        greeting = mountui.Textbox(value="Hello", label="Greeting")
        out = mountui.Textbox(label="Answer")
        mountui.Button("Greet me").click(greet, greeting, out, api_name="greet")
        who = mountui.JSON(label="Who")
        mountui.Button("Who am I").click(whoami, None, who, api_name="whoami")
        mountui.Button("Token").click(token_info, None, who, api_name="token")
    return demo


@dataclass
class OAuthServer:
    """An app with `oauth=` on a real server, and the client registered for it at the provider."""

    url: str  # the UI's public URL, without a trailing slash
    client_id: str
    client_secret: str

    @property
    def callback(self) -> str:
        return f"{self.url}/oauth/callback"


def form_action(page: httpx.Response, action: str) -> str:
    """The absolute URL of the provider page's form whose action ends with `action`."""
    match = re.search(rf'action="([^"]*/{action})"', page.text)
    assert match, f"no form ending in {action!r} on the page:\n{page.text[:500]}"
    return urljoin(str(page.url), match.group(1))


def start_sign_in(client: httpx.Client, app_url: str, next_target: str | None = None) -> httpx.Response:
    """Open `P/oauth/login` and follow the redirects to the provider's sign-in form."""
    params = {"next": next_target} if next_target is not None else {}
    response = client.get(f"{app_url}/oauth/login", params=params)
    assert response.status_code == 302, response.text
    return client.get(response.headers["location"], follow_redirects=True)


def authorize_at_provider(
    client: httpx.Client,
    app_url: str,
    login: str,
    *,
    consent: str = "confirm",
    next_target: str | None = None,
) -> str:
    """Sign in at the provider and answer its consent page; return the callback URL it sends back to."""
    login_page = start_sign_in(client, app_url, next_target)
    password = PASSWORDS[login]
    consent_page = client.post(
        form_action(login_page, "login"), data={"login": login, "password": password}, follow_redirects=True
    )
    answer = client.post(form_action(consent_page, consent))
    while answer.status_code in (302, 303) and not answer.headers["location"].startswith(app_url):
        answer = client.get(urljoin(str(answer.url), answer.headers["location"]))
    assert answer.status_code in (302, 303), answer.text
    return answer.headers["location"]


def sign_in(client: httpx.Client, app_url: str, login: str, **options: str) -> httpx.Response:
    """The whole sign-in, as a browser does it; return the app's answer to the callback."""
    return client.get(authorize_at_provider(client, app_url, login, **options))


def call(client: httpx.Client, app_url: str, endpoint: str, *data: object) -> httpx.Response:
    return client.post(f"{app_url}/api/{endpoint}", json={"data": list(data)})


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def session_cookies(response: httpx.Response) -> list[str]:
    """The login-session cookies a response sets (not the short-lived sign-in flow cookie)."""
    return [c for c in response.headers.get_list("set-cookie") if c.startswith("mountui-session-")]
