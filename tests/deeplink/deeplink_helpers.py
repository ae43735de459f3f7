"""Shared by the deep-link and PWA tests: the greeting bot of the seed, a file app, sharing from the page."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from playwright.sync_api import Page, expect

import mountui

SECRET = "deep-link-tests-secret-key-0123456789abcdef"
USERS = [("alice", "wonderland-42")]
NGINX_FILE = Path(__file__).resolve().parents[2] / "docs" / "deploy-nginx.conf"
PREFIX = "/apps/demo"  # the public prefix of the documented nginx file


def chat_demo() -> mountui.Blocks:
    """A greeting bot: the history in a Chatbot, a name, a secret left out of links, and a `load` event that
    reports what it found (so a test sees it ran after the restored values were in place)."""
    with mountui.Blocks(title="Greeting bot") as demo:
        chatbot = mountui.Chatbot(label="Chat")
        message = mountui.Textbox(label="Message")
        name = mountui.Textbox(label="Name", value="stranger")
        mountui.Textbox(label="API key", deep_link=False)  # typed by the user, never in a link
        seen = mountui.Textbox(label="Seen on load", deep_link=False)
        memory = mountui.State(0)

        def respond(text: str, history: list, who: str, count: int):
            reply = f"Hello **{text}**, from {who}!"
            history = [*history, {"role": "user", "content": text}, {"role": "assistant", "content": reply}]
            return "", history, count + 1

        message.submit(respond, [message, chatbot, name, memory], [message, chatbot, memory])

        def on_load(history: list) -> tuple[str, str]:
            return f"{len(history)} messages", "loaded"

        demo.load(on_load, chatbot, [seen, name])  # `name` is restored by a link: the load leaves it
        mountui.DeepLinkButton()
    return demo


def file_demo() -> mountui.Blocks:
    with mountui.Blocks(title="Files") as demo:
        upload = mountui.File(label="Upload")
        notes = mountui.Markdown("Nothing yet")
        upload.change(lambda path: f"Got *{Path(path).name}*" if path else "Nothing yet", upload, notes)
        mountui.DeepLinkButton()
    return demo


def fastapi_host(demo: mountui.Blocks, path: str = "/ui", **settings: object) -> FastAPI:
    host = FastAPI()

    @host.get("/")
    def home() -> dict[str, str]:
        return {"service": "host"}

    return mountui.mount_ui_app(host, demo, path, **settings)


def nginx_body(upstream: str) -> str:
    """docs/deploy-nginx.conf with the test's upstream (it proxies /apps/demo/ to the server's root)."""
    return NGINX_FILE.read_text().replace("http://127.0.0.1:8000/", upstream.rstrip("/") + "/")


def chat(page: Page, text: str) -> None:
    box = page.get_by_label("Message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".mu-msg-assistant").last).to_contain_text(f"Hello {text}")


def share(page: Page) -> str:
    """Click "Share via link"; the link shown under the button, checked against the clipboard."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Share via link").click()
    note = page.locator(".mu-deeplink-note")
    expect(note).to_contain_text("Link copied to the clipboard")
    url = note.get_by_role("link").get_attribute("href")
    assert url is not None
    assert page.evaluate("navigator.clipboard.readText()") == url
    return url
