"""The whole sign-in in the real browser: the app, the provider's login and consent pages, and back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


def config_of(page: Page) -> dict:
    """What the page's own `config` says now (the same request the frontend makes)."""
    return page.evaluate("fetch('config').then((r) => r.json())")


def sign_in_at_provider(page: Page, login: str, password: str) -> None:
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible()
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Allow access?")).to_be_visible()
    page.get_by_role("button", name="Allow").click()


def test_sign_in_call_and_sign_out_in_the_browser(oauth_server, page: Page):
    server = oauth_server(mount="/ui")
    page.goto(server.url + "/")
    assert config_of(page)["username"] is None
    page.get_by_role("button", name="Greet me").click()
    expect(page.get_by_label("Answer")).to_have_value("Hello, stranger!")

    page.get_by_role("link", name="Sign in with Test ID").click()
    sign_in_at_provider(page, "alice", "alice-password")

    expect(page).to_have_url(server.url + "/")
    sign_out = page.get_by_role("link", name="Sign out (Alice Liddell)")
    expect(sign_out).to_be_visible()
    config = config_of(page)
    assert config["username"] == "alice@example.com"
    assert config["oauth"] == {"provider": "Test ID", "name": "Alice Liddell", "picture": None}
    page.get_by_role("button", name="Greet me").click()
    expect(page.get_by_label("Answer")).to_have_value("Hello, Alice Liddell!")

    sign_out.click()
    expect(page).to_have_url(server.url + "/")
    expect(page.get_by_role("link", name="Sign in with Test ID")).to_be_visible()
    assert config_of(page)["username"] is None
    page.get_by_role("button", name="Greet me").click()
    expect(page.get_by_label("Answer")).to_have_value("Hello, stranger!")


def test_require_login_sends_the_browser_to_the_provider_first(oauth_server, page: Page):
    server = oauth_server(require_login=True)
    page.goto(server.url + "/?__theme=dark")

    expect(page).to_have_url(re.compile(r"/interaction/"))
    sign_in_at_provider(page, "bob", "bob-password")

    expect(page).to_have_url(server.url + "/?__theme=dark")
    page.get_by_role("button", name="Greet me").click()
    expect(page.get_by_label("Answer")).to_have_value("Hello, Bob Builder!")


@pytest.mark.allow_console_errors  # the page is answered with 403, which Chromium logs
def test_denying_consent_shows_a_friendly_page(oauth_server, page: Page):
    server = oauth_server()
    page.goto(server.url + "/")
    page.get_by_role("link", name="Sign in with Test ID").click()
    page.get_by_label("Login").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Deny").click()

    expect(page.get_by_role("heading", name="Sign-in cancelled")).to_be_visible()
    page.get_by_role("link", name="Back to the app").click()
    expect(page).to_have_url(server.url + "/")
    assert config_of(page)["username"] is None
