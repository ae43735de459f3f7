"""Fixtures for the share tests: a relay on loopback, apps shared through it, a browser that resolves links."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright
from share_helpers import HOST_RESOLVER_RULES, TOKEN, RelayServer, wait_for
from support.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from support.programs import require_program

from mountui.share.client import ShareTunnel

INSECURE_COOP = (
    "The Cross-Origin-Opener-Policy header has been ignored, because the URL's origin was untrustworthy"
)


@pytest.fixture
def relays() -> Iterator[Callable[..., RelayServer]]:
    """``relay = relays(mode="path", link_ttl=60)``: a started share server; all stop at teardown."""
    started: list[RelayServer] = []

    def start(**config: Any) -> RelayServer:
        relay = RelayServer(**config).start()
        started.append(relay)
        return relay

    yield start
    for relay in started:
        relay.stop()


@pytest.fixture
def relay(relays: Callable[..., RelayServer]) -> RelayServer:
    return relays()


@pytest.fixture
def share(serve: Callable[..., str]) -> Callable[..., ShareTunnel]:
    """``tunnel = share(app, relay)`` (or the URL of a proxy in front of it): serve `app` locally with a share link; returns once the link is up.

    `tunnel.public_url` is the link, `tunnel.lines` what the app printed, `tunnel.local_url` its own address.
    """

    def start(app: Any, relay: RelayServer | str, *, token: str = TOKEN, wait: bool = True) -> ShareTunnel:
        lines: list[str] = []
        server = relay if isinstance(relay, str) else relay.url  # a str: the relay behind a proxy
        tunnel = ShareTunnel(app, server, token, report=lines.append, reconnect_delays=(0.1, 0.2, 0.4))
        tunnel.lines = lines  # type: ignore[attr-defined]
        tunnel.local_url = serve(tunnel)  # type: ignore[attr-defined]
        if wait:
            wait_for(tunnel.connected.is_set, what="the share link")
        return tunnel

    return start


@pytest.fixture
def share_page() -> Iterator[Page]:
    """A Chromium page whose resolver sends *.share.test to loopback and every other name nowhere.

    The test fails at teardown on any console error or uncaught page error, except Chromium's note that
    it ignores Cross-Origin-Opener-Policy on a plain-http origin other than localhost (the test links are
    http://<id>.share.test; real links are https).
    """
    executable = require_program("chromium", CHROMIUM_PATH, apt_package="chromium")
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[*CHROMIUM_ARGS, f"--host-resolver-rules={HOST_RESOLVER_RULES}"],
        )
        page = browser.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
    errors = [error for error in errors if not error.startswith(INSECURE_COOP)]
    assert errors == [], f"the page logged errors: {errors}"
