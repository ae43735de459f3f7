"""Components whose default is a function (`value=fn`): called for each page like any user function."""

from __future__ import annotations

import itertools
import threading

import httpx

import mountui


def value_of(config: dict, label: str):
    (component,) = [c for c in config["components"] if c["props"].get("label") == label]
    return component["value"]


def test_a_default_function_runs_for_every_page_sync_or_async(live, http):
    counter = itertools.count(1)

    async def greeting() -> str:
        return "hello from async"

    with mountui.Blocks() as demo:
        mountui.Number(value=lambda: next(counter), label="Visit")
        mountui.Textbox(value=greeting, label="Greeting")
    base = live(demo)
    first, second = http.get(f"{base}/config").json(), http.get(f"{base}/config").json()
    assert (value_of(first, "Visit"), value_of(second, "Visit")) == (1, 2)
    assert value_of(first, "Greeting") == "hello from async"


def test_a_slow_default_does_not_hold_up_other_requests(live):
    release = threading.Event()

    def slow() -> str:
        release.wait(20)
        return "ready"

    with mountui.Blocks() as demo:
        mountui.Textbox(value=slow, label="Slow")
    base = live(demo)
    answers: list[httpx.Response] = []
    loading = threading.Thread(target=lambda: answers.append(httpx.get(f"{base}/config", timeout=30)))
    loading.start()
    try:
        # The default runs in a worker thread: the server answers others meanwhile.
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        assert not answers
    finally:
        release.set()
        loading.join(30)
    assert value_of(answers[0].json(), "Slow") == "ready"


def test_a_default_that_raises_leaves_its_component_empty_and_the_page_opens(live, http, caplog):
    def broken() -> str:
        raise RuntimeError("the database is down")

    def not_a_number() -> object:
        return object()

    with mountui.Blocks() as demo:
        mountui.Textbox(value=broken, label="Name")
        mountui.Number(value=not_a_number, label="Count")
        mountui.Textbox(value="static", label="Other")
    base = live(demo)
    assert http.get(f"{base}/").status_code == 200
    config = http.get(f"{base}/config").json()
    assert value_of(config, "Name") is None and value_of(config, "Count") is None
    assert value_of(config, "Other") == "static"
    assert "the default value of Name raised" in caplog.text and "the database is down" in caplog.text
    assert "output 'Count' (Number)" in caplog.text
