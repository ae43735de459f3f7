"""Layouts and choice components: tabs, accordion, dropdowns, examples."""

from __future__ import annotations

from playwright.sync_api import Page, expect

import mountui as mu


def test_tabs_switch_with_mouse_and_arrow_keys(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        with mu.Tabs():
            with mu.Tab("First"):
                mu.Textbox(label="One")
            with mu.Tab("Second"):
                mu.Textbox(label="Two")
    open_app(demo)
    first, second = page.get_by_role("tab", name="First"), page.get_by_role("tab", name="Second")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("One")).to_be_visible()
    expect(page.get_by_label("Two")).to_be_hidden()
    second.click()
    expect(page.get_by_label("Two")).to_be_visible()
    expect(page.get_by_label("One")).to_be_hidden()
    page.keyboard.press("ArrowRight")  # wraps around to the first tab
    expect(first).to_be_focused()
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_have_count(1)


def test_accordion_opens_and_closes(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        with mu.Accordion("Advanced", open=False):
            mu.Number(label="Seed")
    open_app(demo)
    expect(page.get_by_label("Seed")).to_be_hidden()
    page.get_by_text("Advanced").click()
    expect(page.get_by_label("Seed")).to_be_visible()


def test_multiselect_dropdown_adds_and_removes_values(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        colours = mu.Dropdown(["red", "green", "blue"], multiselect=True, value=["red"], label="Colours")
        out = mu.JSON(label="Chosen")
        colours.change(lambda v: v, colours, out)
    open_app(demo)
    page.get_by_label("Colours", exact=True).select_option(label="blue")
    expect(page.locator("mountui-json")).to_contain_text('"red"')
    expect(page.locator("mountui-json")).to_contain_text('"blue"')
    page.get_by_role("button", name="Remove red").click()
    expect(page.locator("mountui-json")).not_to_contain_text('"red"')
    expect(page.get_by_role("button", name="Remove blue")).to_be_focused()


def test_interface_examples_fill_the_inputs(open_app, page: Page) -> None:
    demo = mu.Interface(
        lambda name, n: f"{name} x{int(n)}",
        [mu.Textbox(label="Name"), mu.Slider(1, 5, step=1, value=1, label="Times")],
        mu.Textbox(label="Result"),
        examples=[["Ada", 3]],
    )
    open_app(demo)
    page.get_by_role("button", name="Ada · 3").click()
    expect(page.get_by_label("Name")).to_have_value("Ada")
    expect(page.get_by_role("slider", name="Times")).to_have_value("3")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_label("Result")).to_have_value("Ada x3")
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_label("Name")).to_have_value("")


def test_markdown_is_rendered_from_server_html(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        mu.Markdown("# Title\n\nSome **bold** text. <script>document.title='x'</script>")
    open_app(demo)
    expect(page.get_by_role("heading", name="Title")).to_be_visible()
    expect(page.locator("mountui-markdown strong")).to_have_text("bold")
    assert page.title() != "x"
