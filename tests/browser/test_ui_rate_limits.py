"""A rate-limited click on the page says so, and how long to wait, from the server's Retry-After."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.clock import FakeClock

import mountui as mu


@pytest.mark.allow_console_errors  # the browser logs the refused request (HTTP 429)
def test_a_limited_click_shows_too_many_requests_and_the_wait(open_app, page: Page, clock: FakeClock) -> None:
    with mu.Blocks() as demo:
        box = mu.Textbox(label="Input", value="hi")
        out = mu.Textbox(label="Output")
        mu.Button("Shout").click(lambda s: s.upper(), box, out, rate_limit="1/minute")
    open_app(demo, clock=clock)
    page.get_by_role("button", name="Shout").click()
    expect(page.get_by_label("Output")).to_have_value("HI")
    clock.advance(12)
    page.get_by_label("Input").fill("again")
    page.get_by_role("button", name="Shout").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many requests, try again in 48 s")
    expect(page.get_by_label("Output")).to_have_value("HI")  # the function did not run
    page.get_by_role("button", name="Dismiss").click()
    clock.advance(48)
    page.get_by_role("button", name="Shout").click()
    expect(page.get_by_label("Output")).to_have_value("AGAIN")
