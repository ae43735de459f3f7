"""Signing in with an OAuth provider from another site's page: the provider opens in a pop-up (it refuses to
be framed) and the embedded app picks up the session, with third-party cookies blocked."""

from __future__ import annotations

import secrets

import pytest
from embed_helpers import HostSite, component_page, on_host, origin_of
from playwright.sync_api import expect

import mountui as mu

SECRET = "an-embedding-test-secret-that-is-long-enough-0123"


def whoami(profile: mu.OAuthProfile | None) -> str:
    return f"signed in as {profile.email}" if profile else "not signed in"


def members_demo() -> mu.Blocks:
    with mu.Blocks(title="Members") as demo:
        mu.LoginButton()
        who = mu.Textbox(label="Who")
        mu.Button("Who am I").click(whoami, None, who)
    return demo


@pytest.mark.parametrize("embedding", ["iframe", "component"])
def test_oauth_sign_in_from_an_embedded_app_goes_through_a_pop_up(
    serve, sites, certificate, oidc_provider, embedding
) -> None:
    tls = certificate.uvicorn_options()
    blog = HostSite()
    blog_url = on_host(serve(blog.app(), **tls), "blog", "https")
    client_id, client_secret = f"app-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    oauth = mu.OAuth.oidc("Test ID", oidc_provider.metadata_url, client_id, client_secret)
    embedder = {"frame_ancestors": [origin_of(blog_url)]} if embedding == "iframe" else {
        "allowed_origins": [origin_of(blog_url)]
    }  # fmt: skip
    app = members_demo().build_app(oauth=oauth, secret_key=SECRET, **embedder)
    app_url = on_host(serve(app, **tls), "members", "https")
    oidc_provider.register_client(client_id, client_secret, [f"{app_url}/oauth/callback"])
    if embedding == "iframe":
        blog.pages["/"] = (
            f'<!doctype html><title>Blog</title><iframe src="{app_url}/" width=900 height=600></iframe>'
        )
    else:
        blog.pages["/"] = component_page(app_url, attributes="eager")
    page, watch = sites.page(block_third_party_cookies=True)
    page.goto(blog_url + "/")
    app_view = page.frame_locator("iframe") if embedding == "iframe" else page.locator("mountui-app")

    with page.expect_popup() as opened:
        app_view.get_by_role("link", name="Sign in with Test ID").click()
    popup = opened.value
    popup.get_by_label("Login").fill("alice")
    popup.get_by_label("Password").fill("alice-password")
    popup.get_by_role("button", name="Sign in").click()
    popup.get_by_role("button", name="Allow").click()
    popup.wait_for_event("close")  # it handed the sign-in back and closed itself

    expect(app_view.get_by_role("link", name="Sign out")).to_be_visible()
    app_view.get_by_role("button", name="Who am I").click()
    expect(app_view.get_by_label("Who")).to_have_value("signed in as alice@example.com")
    assert page.url == blog_url + "/", "the host page itself never navigated"
    assert watch.page_errors == []
