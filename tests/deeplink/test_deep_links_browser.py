"""A page's values saved behind a link, and the link opened in another browser, as users do."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from deeplink_helpers import (
    PREFIX,
    SECRET,
    USERS,
    chat,
    chat_demo,
    fastapi_host,
    file_demo,
    nginx_body,
    share,
)
from playwright.sync_api import Browser, Page, expect
from support.clock import FakeClock

from mountui.server.app import build_app


def test_a_chat_shared_by_link_opens_with_its_history_in_another_browser(
    serve: Callable[..., str], page: Page, browser: Browser
) -> None:
    base = serve(chat_demo().build_app())
    page.goto(base + "/")
    expect(page.get_by_label("Seen on load")).to_have_value("0 messages")  # the load event is done
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("API key").fill("sk-very-secret")
    chat(page, "Bo")
    chat(page, "Cy")
    url = share(page)
    assert url.startswith(base + "/?deep_link=")
    assert len(url.rsplit("=", 1)[1]) >= 22  # 128 bits or more, url-safe base64

    other = browser.new_context()
    try:
        viewer = other.new_page()
        viewer.goto(url)
        messages = viewer.locator(".mu-msg")
        expect(messages).to_have_count(4)
        expect(messages.nth(1)).to_contain_text("Hello Bo, from Ada!")
        # Rendered by the server from the Markdown of the message.
        assert viewer.locator(".mu-msg-assistant strong").first.inner_text() == "Bo"
        expect(viewer.get_by_label("Name")).to_have_value("Ada")  # restored; the load event left it
        expect(viewer.get_by_label("API key")).to_have_value("")  # deep_link=False: never in the link
        expect(viewer.get_by_label("Seen on load")).to_have_value("4 messages")  # load ran after the restore
        # The restored chat goes on.
        chat(viewer, "Di")
        expect(viewer.locator(".mu-msg")).to_have_count(6)
    finally:
        other.close()


def test_a_forged_snapshot_cannot_put_html_into_the_page(serve: Callable[..., str], page: Page) -> None:
    demo = chat_demo()
    base = serve(demo.build_app())
    ids = {c["props"].get("label"): c["id"] for c in httpx.get(base + "/config").json()["components"]}
    evil = '<img src="x" onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'
    forged = {
        str(ids["Chat"]): [
            {"role": "user", "content": "hi " + evil, "html": evil},
            {"role": "assistant", "content": "**bold**", "html": evil},
        ],
        str(ids["Name"]): evil,
    }
    answer = httpx.post(base + "/deep_link", json={"values": forged})
    assert answer.status_code == 200, answer.text
    page.goto(answer.json()["url"])
    expect(page.locator(".mu-msg")).to_have_count(2)
    expect(page.locator(".mu-msg-user")).to_contain_text("hi <img")  # the user's text, shown as text
    assert page.locator(".mu-msg-assistant strong").inner_text() == "bold"  # html dropped, Markdown rendered
    assert page.locator("mountui-chatbot img, mountui-chatbot script").count() == 0
    expect(page.get_by_label("Name")).to_have_value(evil)  # a textbox shows text
    assert page.title() == "Greeting bot"

    # Values that do not fit their components are refused, and so are components the app does not have.
    for values in ({str(ids["Chat"]): "not a list"}, {"999": "x"}, {str(ids["Name"]): 5}):
        refused = httpx.post(base + "/deep_link", json={"values": values})
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "validation_error"


def test_expired_and_unknown_links_open_the_app_as_new_with_a_notice(
    serve: Callable[..., str], page: Page, clock: FakeClock
) -> None:
    base = serve(build_app(chat_demo(), clock=clock, deep_link_ttl=3600))
    page.goto(base + "/")
    chat(page, "Bo")
    url = share(page)
    clock.advance(3601)
    for address in (url, base + "/?deep_link=no-such-link-0123456789abcdef"):
        page.goto(address)
        expect(page.get_by_role("status").filter(has_text="expired or does not exist")).to_be_visible()
        expect(page.locator(".mu-msg")).to_have_count(0)
        expect(page.get_by_label("Name")).to_have_value("loaded")  # the page's own load event ran as usual


def test_a_link_grants_nothing_the_viewer_still_signs_in(
    serve: Callable[..., str], page: Page, browser: Browser
) -> None:
    base = serve(chat_demo().build_app(auth=USERS, secret_key=SECRET))
    page.goto(base + "/")
    page.get_by_label("Username").fill(USERS[0][0])
    page.get_by_label("Password").fill(USERS[0][1])
    page.get_by_role("button", name="Sign in").click()
    chat(page, "Bo")
    url = share(page)

    assert httpx.get(url, follow_redirects=False).status_code == 303  # to the sign-in form
    other = browser.new_context()
    try:
        viewer = other.new_page()
        viewer.goto(url)
        expect(viewer.get_by_label("Password")).to_be_visible()
        viewer.get_by_label("Username").fill(USERS[0][0])
        viewer.get_by_label("Password").fill(USERS[0][1])
        viewer.get_by_role("button", name="Sign in").click()
        # Back on the link after signing in, with its values.
        expect(viewer.locator(".mu-msg")).to_have_count(2)
        assert "deep_link=" in viewer.url
    finally:
        other.close()


def test_a_file_in_the_snapshot_opens_for_the_link_holder_only(
    serve: Callable[..., str], page: Page, browser: Browser
) -> None:
    base = serve(file_demo().build_app())
    page.goto(base + "/")
    page.get_by_label("Upload").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"shared notes\n"}]
    )
    expect(page.locator(".mu-prose em")).to_have_text("notes.txt")
    url = share(page)

    other = browser.new_context()
    try:
        viewer = other.new_page()
        viewer.goto(url)
        link = viewer.locator("mountui-file").get_by_role("link", name="notes.txt")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href is not None and "deep_link=" in href
        download = viewer.request.get(href)
        assert download.status == 200
        assert download.body() == b"shared notes\n"
        # The same file without the link, from a browser that never had it: refused.
        without = httpx.get(href.split("?", 1)[0])
        assert without.status_code == 403
        wrong = httpx.get(href.split("?", 1)[0] + "?deep_link=another-link-0123456789abcdef")
        assert wrong.status_code == 403
    finally:
        other.close()


def test_links_are_right_under_a_fastapi_mount_and_behind_the_nginx_prefix(
    serve: Callable[..., str], nginx: Callable[..., str], page: Page, browser: Browser
) -> None:
    upstream = serve(fastapi_host(chat_demo(), "/ui"))
    proxy = nginx(nginx_body(upstream))
    for app_url in (upstream + "/ui/", proxy + PREFIX + "/ui/"):
        page.goto(app_url)
        chat(page, "Bo")
        url = share(page)
        assert url.startswith(app_url + "?deep_link=")
        other = browser.new_context()
        try:
            viewer = other.new_page()
            viewer.goto(url)
            expect(viewer.locator(".mu-msg")).to_have_count(2)
            expect(viewer.locator(".mu-msg-assistant")).to_contain_text("Hello Bo, from loaded!")
        finally:
            other.close()
