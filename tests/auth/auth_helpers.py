"""Shared by the auth tests: a greeting app behind a login, and signing in the way a browser does."""

from __future__ import annotations

import httpx

import mountui

SECRET = "a-test-secret-key-that-is-long-enough-0123456789"
USERS = [("alice", "wonderland-42"), ("bob", "builder-77")]


def welcome(request: mountui.Request) -> str:
    return f"Welcome, {request.username}!"


def greet(name: str, request: mountui.Request) -> str:
    return f"Hello {name}, signed in as {request.username}"


def greeting_demo() -> mountui.Blocks:
    """A page that greets the signed-in user on load, a `greet` endpoint, and a sign-out button."""
    with mountui.Blocks(title="Greeter") as demo:
        banner = mountui.Markdown("Welcome!")
        name = mountui.Textbox(label="Name")
        out = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(greet, name, out, api_name="greet")
        mountui.LogoutButton()
        demo.load(welcome, None, banner, api_name="welcome")
    return demo


def browser_headers(base: str) -> dict[str, str]:
    """What a browser sends with a form posted from a page of `base`'s origin."""
    origin = httpx.URL(base)
    return {"Origin": f"{origin.scheme}://{origin.netloc.decode()}", "Sec-Fetch-Site": "same-origin"}


def sign_in(
    client: httpx.Client, app_url: str, username: str, password: str, next_target: str | None = None
) -> httpx.Response:
    """POST the login form of the UI at `app_url` (no trailing slash), as the browser would."""
    form = {"username": username, "password": password}
    if next_target is not None:
        form["next"] = next_target
    return client.post(f"{app_url}/login", data=form, headers=browser_headers(app_url))
