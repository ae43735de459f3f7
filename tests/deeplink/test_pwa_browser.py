"""pwa=True: Chromium finds the app installable under any mount path, its worker serves an offline page."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from deeplink_helpers import PREFIX, chat_demo, fastapi_host, nginx_body
from PIL import Image
from playwright.sync_api import Page, expect
from support.server import BackgroundServer

import mountui


def installability_errors(page: Page) -> list[dict]:
    session = page.context.new_cdp_session(page)
    try:
        return session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    finally:
        session.detach()


UNTIL_CONTROLLED = """() => new Promise((resolve) => {
  if (navigator.serviceWorker.controller) resolve(true);
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true));
  setTimeout(() => resolve(false), 15000);
})"""


def wait_until_controlled(page: Page) -> None:
    # page.evaluate, not wait_for_function: the page's CSP has no 'unsafe-eval'.
    assert page.evaluate(UNTIL_CONTROLLED), "the service worker did not take control of the page"


@pytest.mark.parametrize("where", ["alone at /", "at /ui of a FastAPI host"])
def test_chromium_reports_the_app_installable_and_its_worker_controls_the_page(
    where: str, serve: Callable[..., str], profile_page: Page
) -> None:
    page = profile_page
    if where == "alone at /":
        app_url = serve(chat_demo().build_app(pwa=True)) + "/"
    else:
        app_url = serve(fastapi_host(chat_demo(), "/ui", pwa=True)) + "/ui/"
    page.goto(app_url)
    wait_until_controlled(page)
    assert installability_errors(page) == []
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == app_url

    manifest = httpx.get(app_url + "manifest.webmanifest").json()
    path = app_url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    assert manifest["start_url"] == manifest["scope"] == "/" + path
    assert manifest["name"] == "Greeting bot" and manifest["display"] == "standalone"
    assert page.locator('meta[name="theme-color"]').get_attribute("content") == manifest["theme_color"]


def test_installable_behind_the_nginx_prefix(
    serve: Callable[..., str], nginx: Callable[..., str], profile_page: Page
) -> None:
    proxy = nginx(nginx_body(serve(fastapi_host(chat_demo(), "/ui", pwa=True))))
    app_url = f"{proxy}{PREFIX}/ui/"
    manifest = httpx.get(app_url + "manifest.webmanifest").json()
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == f"{PREFIX}/ui/"
    profile_page.goto(app_url)
    wait_until_controlled(profile_page)
    assert profile_page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)") == app_url
    assert installability_errors(profile_page) == []


@pytest.mark.allow_console_errors  # the reload with the server gone logs the failed network request
def test_with_the_server_stopped_a_reload_shows_the_offline_page(page: Page) -> None:
    server = BackgroundServer(chat_demo().build_app(pwa=True))
    base = server.start()
    try:
        page.goto(base + "/")
        wait_until_controlled(page)
        expect(page.get_by_label("Message")).to_be_visible()
    finally:
        server.stop()
    page.reload()
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("Greeting bot cannot be reached right now")).to_be_visible()


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_custom_icon_is_served_at_both_sizes_and_installable(
    serve: Callable[..., str], profile_page: Page, tmp_path: Path
) -> None:
    page = profile_page
    favicon = tmp_path / "logo.png"
    favicon.write_bytes(_png(300, 200))
    base = serve(chat_demo().build_app(pwa=True, favicon_path=favicon))
    page.goto(base + "/")
    manifest = httpx.get(base + "/manifest.webmanifest").json()
    assert [(i["src"], i["sizes"]) for i in manifest["icons"]] == [
        ("icon-192.png", "192x192"),
        ("icon-512.png", "512x512"),
    ]
    for size in (192, 512):
        answer = httpx.get(f"{base}/icon-{size}.png")
        assert answer.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(answer.content)) as icon:
            assert icon.size == (size, size)
            assert icon.convert("RGB").getpixel((size // 2, size // 2)) == (200, 30, 30)
    assert page.locator('link[rel="apple-touch-icon"]').get_attribute("href") == "icon-192.png"
    wait_until_controlled(page)
    assert installability_errors(page) == []


def test_an_svg_favicon_is_the_icon_at_any_size(
    serve: Callable[..., str], profile_page: Page, tmp_path: Path
) -> None:
    page = profile_page
    favicon = tmp_path / "logo.svg"
    favicon.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="teal"/></svg>'
    )
    base = serve(chat_demo().build_app(pwa=True, favicon_path=favicon))
    page.goto(base + "/")
    manifest = httpx.get(base + "/manifest.webmanifest").json()
    assert manifest["icons"] == [
        {"src": "icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}
    ]
    assert httpx.get(base + "/icon.svg").text == favicon.read_text()
    wait_until_controlled(page)
    assert installability_errors(page) == []


def test_without_pillow_a_favicon_of_another_size_is_refused_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pillow(name: str, *args: object, **kwargs: object) -> object:
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    favicon = tmp_path / "logo.png"
    favicon.write_bytes(_png(300, 300))
    with pytest.raises(mountui.ConfigError, match=r"mountui\[pwa\]"):
        chat_demo().build_app(pwa=True, favicon_path=favicon)
    favicon.write_bytes(_png(512, 512))  # a 512x512 PNG is used as it is
    app = chat_demo().build_app(pwa=True, favicon_path=favicon)
    assert [i["sizes"] for i in app.pwa.manifest_icons] == ["512x512"]
