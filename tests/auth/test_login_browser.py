"""The login form in a real browser: without JavaScript, themed, and the whole round trip with the app."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from auth_helpers import SECRET, USERS, greeting_demo
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, expect
from support.browser import PageWatch

import mountui


def mounted(serve: Callable[..., str], **settings: object) -> str:
    host = FastAPI()
    mountui.mount_ui_app(host, greeting_demo(), "/tools/ui", auth=USERS, secret_key=SECRET, **settings)
    return serve(host) + "/tools/ui"


def assert_well_behaved(watch: PageWatch) -> None:
    """No request left the machine and nothing failed but the form's own 401/429 answers (no CSP error)."""
    assert watch.problems(allow_console_errors=True) == []
    expected = re.compile(r"Failed to load resource: .* status of (401|429) ")
    assert [e for e in watch.console_errors if not expected.match(e)] == []


@pytest.fixture
def no_js(browser: Browser) -> Iterator[tuple[BrowserContext, PageWatch]]:
    context = browser.new_context(java_script_enabled=False)
    watch = PageWatch(context)
    yield context, watch
    context.close()


def test_sign_in_works_with_javascript_disabled(
    no_js: tuple[BrowserContext, PageWatch], serve: Callable[..., str]
) -> None:
    context, watch = no_js
    app = mounted(serve)
    page = context.new_page()
    page.goto(f"{app}/?__theme=light")
    assert page.url == f"{app}/login?next=%2Ftools%2Fui%2F%3F__theme%3Dlight"
    expect(page.get_by_role("heading", name="Sign in to Greeter")).to_be_visible()

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_label("Username")).to_have_value("alice")

    page.get_by_label("Password").fill("wonderland-42")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app}/?__theme=light")
    [cookie] = context.cookies()
    assert cookie["httpOnly"] and cookie["path"] == "/tools/ui/" and cookie["sameSite"] == "Lax"
    assert context.request.get(f"{app}/config").json()["username"] == "alice"

    page.goto(f"{app}/logout")
    assert page.url == f"{app}/login"
    assert context.request.get(f"{app}/config").status == 401
    assert_well_behaved(watch)


def test_the_throttle_message_shows_on_the_form(
    no_js: tuple[BrowserContext, PageWatch], serve: Callable[..., str]
) -> None:
    context, watch = no_js
    app = mounted(serve, max_login_attempts=1, login_attempt_window=120)
    page = context.new_page()
    page.goto(f"{app}/login")
    for _ in range(2):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("guess")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Too many failed sign-ins. Try again in 2 minutes.")
    assert_well_behaved(watch)


@pytest.mark.parametrize(
    ("scheme", "background"), [("light", "rgb(245, 246, 248)"), ("dark", "rgb(13, 15, 20)")]
)
def test_the_login_page_follows_the_system_theme(
    scheme: str, background: str, page: Page, serve: Callable[..., str]
) -> None:
    app = mounted(serve)
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(f"{app}/login")
    expect(page.locator("body")).to_have_css("background-color", background)


def test_sign_in_see_the_greeting_and_sign_out_with_the_button(page: Page, serve: Callable[..., str]) -> None:
    app = mounted(serve)
    page.goto(f"{app}/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("builder-77")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app}/")
    expect(page.get_by_text("Welcome, bob!")).to_be_visible()  # demo.load greets the signed-in user

    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello Ann, signed in as bob")

    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(f"{app}/login") + "$"))
    assert page.context.request.get(f"{app}/config").status == 401
