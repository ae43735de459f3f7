"""ChatInterface in the browser: send on Enter, the reply streams in, the history is kept and sent back."""

from __future__ import annotations

import threading

from playwright.sync_api import Page, expect

import mountui as mu

WAIT = 10


def test_chat_streams_the_reply_and_keeps_history(open_app, page: Page) -> None:
    halfway = threading.Event()
    seen_history: list[list[dict]] = []

    def echo(message, history):
        seen_history.append(history)
        yield f"You said: {message}"
        halfway.wait(WAIT)
        yield f"You said: {message} ({len(history)} earlier messages)"

    open_app(mu.ChatInterface(echo, title="Echo"))
    box = page.get_by_placeholder("Type a message and press Enter")
    expect(box).to_be_focused()
    box.fill("hello")
    box.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".mu-msg-user")).to_have_text("You:hello")
    expect(log.locator(".mu-msg-assistant").last).to_contain_text("You said: hello")
    expect(log.locator(".mu-msg-assistant").last).not_to_contain_text("earlier")
    expect(box).to_have_value("")
    box.fill("draft")  # typing the next message while the reply streams
    halfway.set()
    expect(log.locator(".mu-msg-assistant").last).to_contain_text("(0 earlier messages)")
    expect(box).to_have_value("draft")

    box.fill("again")
    page.get_by_role("button", name="Send").click()
    expect(log.locator(".mu-msg-assistant").last).to_contain_text("You said: again (2 earlier messages)")
    expect(log.locator(".mu-msg")).to_have_count(4)
    assert [m["role"] for m in seen_history[-1]] == ["user", "assistant"]
    assert seen_history[-1][0]["content"] == "hello"


def test_chat_text_typed_by_the_user_is_never_html(open_app, page: Page) -> None:
    open_app(mu.ChatInterface(lambda message, history: "ok"))
    box = page.get_by_role("textbox", name="Message")
    box.fill('<img src=x onerror="document.title=1">')
    box.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".mu-msg-assistant")).to_have_text("Assistant:ok")
    expect(log.locator("img")).to_have_count(0)
    assert page.title() != "1"


def test_chat_retry_and_clear(open_app, page: Page) -> None:
    replies = iter(["first answer", "second answer"])
    open_app(mu.ChatInterface(lambda message, history: next(replies)))
    box = page.get_by_role("textbox", name="Message")
    box.fill("question")
    box.press("Enter")
    log = page.get_by_role("log")
    expect(log.locator(".mu-msg-assistant")).to_contain_text("first answer")
    page.get_by_role("button", name="Retry").click()
    expect(log.locator(".mu-msg-assistant")).to_contain_text("second answer")
    expect(log.locator(".mu-msg")).to_have_count(2)
    page.get_by_role("button", name="Clear").click()
    expect(log.locator(".mu-msg")).to_have_count(0)
