"""The page renders components, runs events through the HTTP API and works with the keyboard alone."""

from __future__ import annotations

import re

from fastapi import FastAPI
from playwright.sync_api import Page, expect

import mountui as mu


def greeter() -> mu.Blocks:
    with mu.Blocks(title="Greeter") as demo:
        name = mu.Textbox(label="Name", placeholder="Your name")
        greet = mu.Button("Greet", variant="primary")
        out = mu.Textbox(label="Greeting")
        greet.click(lambda n: f"Hello, {n}!", name, out, api_name="greet")
    return demo


def test_type_and_click_shows_the_output(open_app, page: Page) -> None:
    open_app(greeter())
    expect(page).to_have_title("Greeter")
    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello, Ada!")


def test_enter_in_a_textbox_submits(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        box = mu.Textbox(label="Word")
        out = mu.Textbox(label="Upper")
        box.submit(str.upper, box, out)
    open_app(demo)
    page.get_by_label("Word").fill("shout")
    page.get_by_label("Word").press("Enter")
    expect(page.get_by_label("Upper")).to_have_value("SHOUT")


def test_keyboard_only_flow(open_app, page: Page) -> None:
    open_app(greeter())
    page.keyboard.press("Tab")
    expect(page.get_by_label("Name")).to_be_focused()
    page.keyboard.type("Grace")
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Greet")
    expect(button).to_be_focused()
    outline = button.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline not in ("", "none"), "focus must be visible"
    page.keyboard.press("Enter")
    expect(page.get_by_label("Greeting")).to_have_value("Hello, Grace!")


def test_every_control_has_a_label_and_outputs_are_announced(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        a = mu.Textbox(label="Text")
        n = mu.Number(label="Count")
        s = mu.Slider(0, 10, step=1, value=2, label="Level")
        c = mu.Checkbox(label="Agree")
        d = mu.Dropdown(["x", "y"], label="Letter")
        r = mu.Radio(["one", "two"], label="Pick")
        out = mu.JSON(label="All")
        mu.Button("Go").click(lambda *v: list(v), [a, n, s, c, d, r], out)
    open_app(demo)
    for name in ["Text", "Count", "Level", "Agree", "Letter", "one", "two"]:
        expect(page.get_by_label(name, exact=True)).to_have_count(1)
    page.get_by_label("Text", exact=True).fill("hi")
    page.get_by_label("Count").fill("3")
    page.get_by_label("Agree").check()
    page.get_by_label("Letter").select_option(label="y")
    page.get_by_label("two").check()
    page.get_by_role("button", name="Go").click()
    view = page.locator("mountui-json .mu-json")
    expect(view).to_have_attribute("aria-live", "polite")
    expect(view).to_contain_text('"hi"')
    expect(view).to_contain_text("3")
    expect(view).to_contain_text("true")
    expect(view).to_contain_text('"y"')
    expect(view).to_contain_text('"two"')


def test_load_event_runs_when_the_page_opens(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        out = mu.Textbox(label="Loaded")
        demo.load(lambda: "ready", None, out)
    open_app(demo)
    expect(page.get_by_label("Loaded")).to_have_value("ready")


def test_change_event_chains_outputs(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        box = mu.Textbox(label="Source")
        middle = mu.Textbox(label="Middle")
        last = mu.Textbox(label="Last")
        box.change(lambda t: t + "!", box, middle)
        middle.change(lambda t: t + "?", middle, last)
    open_app(demo)
    page.get_by_label("Source").fill("abc")
    expect(page.get_by_label("Last")).to_have_value("abc!?")


def test_dark_theme_forced_by_query_and_followed_from_the_system(open_app, page: Page) -> None:
    base = open_app(greeter(), path="/?__theme=dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert _background_is_dark(page)

    page.emulate_media(color_scheme="dark")
    page.goto(base + "/")
    expect(page.get_by_label("Name")).to_be_visible()
    assert _background_is_dark(page)

    page.goto(base + "/?__theme=light")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert not _background_is_dark(page)


def _background_is_dark(page: Page) -> bool:
    rgb = page.locator(".mu-app").evaluate("e => getComputedStyle(e).backgroundColor")
    r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
    return (r + g + b) / 3 < 80


def test_readable_on_a_phone(open_app, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    with mu.Blocks() as demo:
        with mu.Row():
            with mu.Column():
                mu.Textbox(label="Left")
            with mu.Column():
                mu.Textbox(label="Right")
    open_app(demo)
    left = page.get_by_label("Left").bounding_box()
    right = page.get_by_label("Right").bounding_box()
    assert right["y"] > left["y"] + left["height"], "columns stack on a narrow screen"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "no horizontal scrolling"


def test_mounted_under_ui_of_a_fastapi_host(serve, page: Page) -> None:
    host = FastAPI()

    @host.get("/")
    def home() -> dict[str, str]:
        return {"app": "host"}

    with mu.Blocks(title="Mounted") as demo:
        name = mu.Textbox(label="Name")
        out = mu.Textbox(label="Greeting")
        mu.Button("Greet").click(lambda n: f"Hi {n}", name, out, api_name="greet")
        mu.Button("Settings", link="config")
    mu.mount_ui_app(host, demo, path="/ui")
    base = serve(host)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "/ui/")
    page.get_by_label("Name").fill("Lin")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hi Lin")
    assert requests and all(url.startswith(base + "/ui/") for url in requests), requests
    page.get_by_role("link", name="Settings").click()
    expect(page).to_have_url(base + "/ui/config")


def test_footer_links_to_the_api_page_unless_hidden(open_app, page: Page, serve) -> None:
    base = open_app(greeter())
    link = page.get_by_role("link", name="Use via API")
    expect(link).to_have_attribute("href", base + "/docs")
    page.goto(serve(greeter().build_app(show_api=False)) + "/")
    expect(page.get_by_label("Name")).to_be_visible()
    expect(page.get_by_role("link", name="Use via API")).to_have_count(0)


def test_no_request_leaves_the_machine(open_app, page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    base = open_app(greeter())
    page.get_by_label("Name").fill("x")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello, x!")
    assert all(url.startswith(base) for url in requests), requests


def test_first_load_fits_the_budget(open_app, page: Page) -> None:
    """Hello world: at most 8 requests and 60 KB as served (the time to ready is measured in bench/)."""
    demo = mu.Interface(lambda name: f"Hello {name}", "text", "text")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_app(demo)
    expect(page.get_by_role("button", name="Submit")).to_be_visible()
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate(
        """() => [performance.getEntriesByType('navigation')[0],
                  ...performance.getEntriesByType('resource')].map(e => e.encodedBodySize)"""
    )
    assert page.evaluate("performance.getEntriesByName('mountui:ready').length") == 1
    assert len(requests) <= 8, requests
    assert sum(sizes) <= 60 * 1024, sizes
