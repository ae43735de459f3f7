"""The app in another site's iframe: only sites named in `frame_ancestors`, and password sign-in inside the
frame over https, in a browser that blocks third-party cookies."""

from __future__ import annotations

from embed_helpers import HostSite, on_host, origin_of, tools_demo
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

import mountui as mu

SECRET = "an-embedding-test-secret-that-is-long-enough-0123"
USERS = [("alice", "wonderland-42")]


def frame_page(src: str) -> str:
    return f'<!doctype html><title>Blog</title><h1>My blog</h1><iframe src="{src}" width="900" height="700"></iframe>'


def test_only_sites_in_frame_ancestors_can_frame_the_app(serve, sites) -> None:
    blog = HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    closed = on_host(serve(tools_demo().build_app()), "closed")
    framable = on_host(serve(tools_demo().build_app(frame_ancestors=["'self'", blog_url])), "open")
    blog.pages["/closed"] = frame_page(closed + "/")
    blog.pages["/open"] = frame_page(framable + "/")
    page, watch = sites.page()

    page.goto(blog_url + "/open")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Name").fill("Ada")
    frame.get_by_role("button", name="Greet").click()
    expect(frame.get_by_label("Greeting")).to_have_value("Hello Ada")

    page.goto(blog_url + "/closed")
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="My blog")).to_be_visible()
    expect(page.frame_locator("iframe").get_by_label("Name")).to_have_count(0)
    assert any("frame-ancestors" in error for error in watch.console_errors)


def cookie_probe() -> Starlette:
    """A site that sets an ordinary (unpartitioned) cross-site cookie and says whether it came back."""

    async def probe(request: Request) -> HTMLResponse:
        seen = "came back" if request.cookies.get("probe") else "missing"
        response = HTMLResponse(f"<!doctype html><title>probe</title><p id=probe>cookie {seen}</p>")
        response.headers["set-cookie"] = "probe=1; Path=/; Secure; SameSite=None"
        return response

    return Starlette(routes=[Route("/", probe)])


def test_password_sign_in_inside_another_sites_frame_over_https(serve, sites, certificate) -> None:
    tls = certificate.uvicorn_options()
    blog = HostSite()
    blog_url = on_host(serve(blog.app(), **tls), "blog", "https")
    probe_url = on_host(serve(cookie_probe(), **tls), "probe", "https")

    def welcome(request: mu.Request) -> str:
        return f"Welcome, {request.username}!"

    with mu.Blocks(title="Members") as demo:
        banner = mu.Markdown("Welcome!")
        demo.load(welcome, None, banner)
    app = demo.build_app(auth=USERS, secret_key=SECRET, frame_ancestors=[origin_of(blog_url)])
    app_url = on_host(serve(app, **tls), "members", "https")
    blog.pages["/"] = frame_page(app_url + "/")
    blog.pages["/probe"] = frame_page(probe_url + "/")
    page, watch = sites.page(block_third_party_cookies=True)

    # The browser really blocks third-party cookies: an ordinary one, set when the probe was visited
    # directly (it comes back there), never comes back inside another site's frame.
    page.goto(probe_url + "/")
    page.reload()
    expect(page.locator("#probe")).to_have_text("cookie came back")
    page.goto(blog_url + "/probe")
    expect(page.frame_locator("iframe").locator("#probe")).to_have_text("cookie missing")

    page.goto(blog_url + "/")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Username").fill(USERS[0][0])
    frame.get_by_label("Password").fill(USERS[0][1])
    frame.get_by_role("button", name="Sign in").click()
    expect(frame.get_by_text("Welcome, alice!")).to_be_visible()
    page.reload()  # the partitioned session cookie stays with this site's frame
    expect(page.frame_locator("iframe").get_by_text("Welcome, alice!")).to_be_visible()
    assert watch.page_errors == []
