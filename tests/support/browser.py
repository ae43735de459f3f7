"""Headless Chromium for end-to-end tests, watched so that a page cannot quietly misbehave.

mountui promises that its page works air-gapped: no CDN, font or analytics request leaves the machine. The
watch records every request a page makes, aborts the ones to other hosts, and collects console errors and
uncaught exceptions, so that the `page` fixture can fail the test at teardown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    WebError,
    sync_playwright,
)

CHROMIUM_PATH = "/usr/bin/chromium"
# As root Chromium needs --no-sandbox; the other two stop it from calling home (which this network refuses).
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def launch_chromium(playwright: Playwright, executable_path: str = CHROMIUM_PATH) -> Browser:
    return playwright.chromium.launch(
        executable_path=executable_path, headless=True, args=list(CHROMIUM_ARGS)
    )


class SharedBrowser:
    """One Chromium shared by consecutive browser tests, and closed before any other test runs.

    Playwright's sync API keeps its asyncio loop marked as running in the main thread for as long as it is
    started, so that ``asyncio.run`` (and anyio's pytest plugin) fail in any later test. Closing it whenever
    a test does not need a browser keeps both kinds of test working in one session, while a file of browser
    tests still shares one Chromium (a restart costs about half a second).
    """

    def __init__(self, executable_path: str = CHROMIUM_PATH) -> None:
        self.executable_path = executable_path
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None or not self._browser.is_connected():
            self.close()
            self._playwright = sync_playwright().start()
            self._browser = launch_chromium(self._playwright, self.executable_path)
        return self._browser

    def close(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None and browser.is_connected():
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


def is_foreign_url(url: str) -> bool:
    """True if fetching `url` would leave the machine.

    URLs without a host (``data:``, ``blob:``, ``about:blank``) stay in the browser and are not foreign.
    """
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return True  # unparseable: better to flag it than to let it through
    return host is not None and host not in LOOPBACK_HOSTS


def find_foreign_requests(urls: Iterable[str]) -> list[str]:
    """The URLs in `urls` that go to another host than loopback, each once, in order."""
    return list(dict.fromkeys(url for url in urls if is_foreign_url(url)))


class PageWatch:
    """Watches one browser context: every request, console error and uncaught page error.

    HTTP requests to other hosts are aborted before they leave. Note that any Playwright route disables the
    browser's HTTP cache in that context; test caching headers with an HTTP client instead.
    """

    def __init__(self, context: BrowserContext) -> None:
        self.requested_urls: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        context.on("request", lambda request: self.requested_urls.append(request.url))
        context.on("console", self._on_console)
        context.on("weberror", self._on_web_error)
        context.route(is_foreign_url, self._block)
        context.on("page", self._watch_page)

    def _watch_page(self, page: Page) -> None:
        # WebSocket handshakes are no "request" events and are not routed: Playwright's WebSocket routing
        # replaces window.WebSocket in every page, which would change what the tests observe. A foreign one
        # is still recorded, and fails the test.
        page.on("websocket", lambda web_socket: self.requested_urls.append(web_socket.url))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location
            where = f" at {location['url']}:{location['lineNumber']}" if location.get("url") else ""
            self.console_errors.append(f"{message.text}{where}")

    def _on_web_error(self, error: WebError) -> None:
        exception = error.error
        # The stack, when the page has one, starts with "TypeError: message" and says where it was thrown.
        self.page_errors.append(exception.stack or f"{exception.name}: {exception.message}")

    @staticmethod
    def _block(route: Route) -> None:
        route.abort("blockedbyclient")

    def problems(self, *, allow_console_errors: bool = False) -> list[str]:
        """Human-readable reasons to fail the test; empty when the page behaved."""
        found = [
            f"request to a host other than loopback (aborted): {url}"
            for url in find_foreign_requests(self.requested_urls)
        ]
        if not allow_console_errors:
            found += [f"console error: {text}" for text in self.console_errors]
            found += [f"uncaught page error: {text}" for text in self.page_errors]
        return found


def artifact_path(directory: Path, test_name: str, suffix: str = ".png") -> Path:
    """A file name for a test's artifact that is safe on any file system (parametrized ids included)."""
    safe = re.sub(r"[^\w.-]+", "_", test_name).strip("_")[:150] or "test"
    return directory / f"{safe}{suffix}"
