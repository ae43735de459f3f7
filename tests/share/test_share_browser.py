"""A real browser at a share link: the page loads, signs in and calls the app, all through the tunnel."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from share_helpers import SECRET, shared_demo


def test_a_visitor_signs_in_and_uses_the_app_at_its_link(relay, share, share_page: Page):
    app = shared_demo().build_app(secret_key=SECRET, auth=[("alice", "s3cret")])
    tunnel = share(app, relay)
    requested: list[str] = []
    share_page.on("request", lambda request: requested.append(request.url))

    share_page.goto(tunnel.public_url)
    expect(share_page.get_by_role("heading", name="Sign in to Shared demo")).to_be_visible()
    share_page.get_by_label("Username").fill("alice")
    share_page.get_by_label("Password").fill("s3cret")
    share_page.get_by_role("button", name="Sign in").click()

    expect(share_page).to_have_title("Shared demo")
    assert share_page.url == tunnel.public_url
    share_page.get_by_label("Name").fill("Ada")
    share_page.get_by_role("button", name="Greet").click()
    expect(share_page.get_by_label("Greeting")).to_have_value("Hello, Ada!")
    share_page.get_by_role("button", name="Count").click()
    expect(share_page.get_by_label("Counted")).to_have_value("1 2 3")
    # every request of the page went to the link's own origin
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(tunnel.public_url).netloc}


def test_a_path_mode_link_loads_its_page_and_assets_under_its_path(relays, share, share_page: Page):
    relay = relays(mode="path")
    tunnel = share(shared_demo().build_app(secret_key=SECRET), relay)
    paths: list[str] = []
    share_page.on("request", lambda request: paths.append(urlsplit(request.url).path))
    share_page.goto(tunnel.public_url)
    share_page.get_by_label("Name").fill("Grace")
    share_page.get_by_role("button", name="Greet").click()
    expect(share_page.get_by_label("Greeting")).to_have_value("Hello, Grace!")
    prefix = urlsplit(tunnel.public_url).path
    assert paths and all(path.startswith(prefix) for path in paths), paths
