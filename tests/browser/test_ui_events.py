"""A running event shows its queue position, progress, partial outputs and errors on the page."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

import mountui as mu

WAIT = 10  # seconds a gated function waits for the test before giving up


def test_streaming_generator_shows_partial_outputs_before_it_finishes(open_app, page: Page) -> None:
    go_on = threading.Event()

    def count(n):
        yield "one"
        go_on.wait(WAIT)
        yield "one two"

    with mu.Blocks() as demo:
        n = mu.Number(label="N", value=2)
        out = mu.Textbox(label="Words")
        run = mu.Button("Count")
        run.click(count, n, out)
    open_app(demo)
    page.get_by_role("button", name="Count").click()
    expect(page.get_by_label("Words")).to_have_value("one")
    expect(run_button := page.get_by_role("button", name="Count")).to_have_attribute("aria-busy", "true")
    expect(run_button).to_be_disabled()
    go_on.set()
    expect(page.get_by_label("Words")).to_have_value("one two")
    expect(run_button).not_to_have_attribute("aria-busy", "true")
    expect(run_button).to_be_enabled()


def test_queue_position_shows_while_the_endpoint_is_busy(open_app, page: Page) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow(text):
        started.set()
        release.wait(WAIT)
        return text.upper()

    with mu.Blocks() as demo:
        box = mu.Textbox(label="Text", value="queued")
        out = mu.Textbox(label="Result")
        mu.Button("Run").click(slow, box, out, api_name="slow")
    base = open_app(demo)
    # Another caller occupies the endpoint (concurrency 1 by default).
    other = threading.Thread(
        target=httpx.post, args=(base + "/api/slow",), kwargs={"json": {"data": ["x"]}, "timeout": 30}
    )
    other.start()
    assert started.wait(WAIT)
    page.get_by_role("button", name="Run").click()
    status = page.locator("mountui-textbox .mu-status").filter(has_text="queue")
    expect(status).to_be_visible()
    expect(status).to_contain_text("In queue")
    release.set()
    expect(page.get_by_label("Result")).to_have_value("QUEUED")
    expect(page.locator(".mu-status")).to_be_hidden()
    other.join(WAIT)


def test_progress_bar_moves(open_app, page: Page) -> None:
    steps = [threading.Event(), threading.Event()]

    def work(text, progress: mu.Progress):
        progress(0.25, desc="Loading")
        steps[0].wait(WAIT)
        time.sleep(0.1)  # the server sends at most one update per 50 ms
        progress(0.75, desc="Thinking")
        steps[1].wait(WAIT)
        return "done"

    with mu.Blocks() as demo:
        box = mu.Textbox(label="Input")
        out = mu.Textbox(label="Output")
        mu.Button("Work").click(work, box, out)
    open_app(demo)
    page.get_by_role("button", name="Work").click()
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("aria-valuenow", "25")
    expect(page.locator(".mu-status")).to_contain_text("Loading")
    steps[0].set()
    expect(bar).to_have_attribute("aria-valuenow", "75")
    expect(page.locator(".mu-status")).to_contain_text("Thinking")
    steps[1].set()
    expect(page.get_by_label("Output")).to_have_value("done")
    expect(bar).to_be_hidden()


@pytest.mark.allow_console_errors
def test_an_error_shows_its_message(open_app, page: Page) -> None:
    def fail(text):
        raise mu.Error(f"Cannot handle {text!r}")

    with mu.Blocks() as demo:
        box = mu.Textbox(label="Input", value="this")
        out = mu.Textbox(label="Output")
        mu.Button("Try").click(fail, box, out)
    open_app(demo)
    page.get_by_role("button", name="Try").click()
    expect(page.get_by_role("alert")).to_contain_text("Cannot handle 'this'")
    expect(page.locator("mountui-textbox .mu-inline-error")).to_have_text("Cannot handle 'this'")
    page.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("alert")).to_have_count(0)


def test_a_crash_shows_a_generic_message_without_details(open_app, page: Page) -> None:
    def crash(text):
        raise RuntimeError("secret internals")

    with mu.Blocks() as demo:
        box = mu.Textbox(label="Input")
        out = mu.Textbox(label="Output")
        mu.Button("Try").click(crash, box, out)
    open_app(demo)
    page.get_by_role("button", name="Try").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).not_to_contain_text("secret internals")
