"""`<mountui-app src>` renders a mounted UI inside another page of the same site (tests/embed: other sites)."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

import mountui as mu


def test_mountui_app_element_embeds_a_ui(serve, page: Page) -> None:
    async def host_page(request):
        return HTMLResponse(
            '<!doctype html><html><head><script type="module" src="/tools/embed.js"></script></head>'
            '<body><h1>Host page</h1><mountui-app src="/tools/"></mountui-app></body></html>'
        )

    with mu.Blocks() as demo:
        name = mu.Textbox(label="Name")
        out = mu.Textbox(label="Greeting")
        mu.Button("Greet").click(lambda n: f"Hi {n}", name, out)
    host = Starlette(routes=[Route("/", host_page)])
    mu.mount_ui_app(host, demo, path="/tools")
    page.goto(serve(host) + "/")
    expect(page.get_by_role("heading", name="Host page")).to_be_visible()
    page.get_by_label("Name").fill("Embedded")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hi Embedded")


def test_calls_carry_the_session_so_state_is_kept(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        notes = mu.State([])
        note = mu.Textbox(label="Note")
        shown = mu.JSON(label="Notes")

        def add(text, kept):
            kept = [*kept, text]
            return kept, kept

        note.submit(add, [note, notes], [notes, shown])
    sent: list[str | None] = []
    page.on(
        "request", lambda r: sent.append(r.headers.get("x-mountui-session")) if "/api/" in r.url else None
    )
    open_app(demo)
    for word in ("one", "two"):
        page.get_by_label("Note", exact=True).fill(word)
        page.get_by_label("Note", exact=True).press("Enter")
        expect(page.locator("mountui-json")).to_contain_text(f'"{word}"')
    expect(page.locator("mountui-json")).to_contain_text('"one"')
    session = page.evaluate("JSON.parse(document.getElementById('mountui-config').textContent).session_id")
    assert sent == [session, session]


def test_the_footer_shows_how_to_embed_the_app(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        mu.Textbox(label="Name")
    base = open_app(demo, path="/")
    page.get_by_role("button", name="Embed").click()
    hint = page.get_by_role("region", name="Embed this app")
    expect(hint).to_contain_text(f'<script type="module" src="{base}/embed.js"></script>')
    expect(hint).to_contain_text(f'<mountui-app src="{base}/"></mountui-app>')
    expect(hint).to_contain_text(f'<iframe src="{base}/"')
    page.get_by_role("button", name="Embed").click()
    expect(hint).to_be_hidden()
