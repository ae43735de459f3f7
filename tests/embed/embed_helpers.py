"""Shared by the embedding tests: sites with their own host names, a browser that resolves them, a certificate.

Chromium maps every `*.test` name to loopback (`--host-resolver-rules`), so a host page at
`http://blog.test:PORT` and an app at `http://tools.test:PORT2` are different sites to it (`test` is a
top-level domain reserved for tests: each name under it is a site of its own), although both servers run here.
"""

from __future__ import annotations

import base64
import contextlib
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, WebError, sync_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route as StarletteRoute
from support.browser import CHROMIUM_ARGS

import mountui as mu

TEST_DOMAIN = "test"
RESOLVER_RULES = f"--host-resolver-rules=MAP *.{TEST_DOMAIN} 127.0.0.1"
# The sites the tests use, each named in the certificate (no browser accepts a certificate for `*.test`).
SITES = ("blog", "evil", "tools", "english", "french", "closed", "open", "members", "probe")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def on_host(base_url: str, name: str, scheme: str | None = None) -> str:
    """`http://127.0.0.1:PORT` as the browser reaches it: `http://<name>.test:PORT`."""
    assert name in SITES, f"add {name!r} to SITES (the certificate names them)"
    parts = urlsplit(base_url)
    return f"{scheme or parts.scheme}://{name}.{TEST_DOMAIN}:{parts.port}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Certificate:
    """A self-signed certificate for the `SITES`; Chromium trusts exactly this key (its SPKI hash)."""

    certfile: Path
    keyfile: Path
    spki_sha256: str

    @classmethod
    def create(cls, directory: Path, openssl: str) -> Certificate:
        cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN=blog.{TEST_DOMAIN}",
             "-addext", "subjectAltName=" + ",".join(f"DNS:{site}.{TEST_DOMAIN}" for site in SITES)],
            check=True, capture_output=True,
        )  # fmt: skip
        public = subprocess.run(
            [openssl, "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
        ).stdout
        der = subprocess.run(
            [openssl, "pkey", "-pubin", "-outform", "der"], input=public, check=True, capture_output=True
        ).stdout
        digest = subprocess.run(
            [openssl, "dgst", "-sha256", "-binary"], input=der, check=True, capture_output=True
        ).stdout
        return cls(cert, key, base64.b64encode(digest).decode())

    def uvicorn_options(self) -> dict[str, str]:
        return {"ssl_certfile": str(self.certfile), "ssl_keyfile": str(self.keyfile)}


@dataclass
class HostSite:
    """Another site's server: `pages[path] = html` decides what it serves (set them before opening)."""

    pages: dict[str, str] = field(default_factory=dict)

    def app(self) -> Starlette:
        async def page(request: Request) -> Response:
            html = self.pages.get(request.url.path)
            return HTMLResponse(html) if html is not None else Response(status_code=404)

        return Starlette(routes=[StarletteRoute("/{path:path}", page)])


def component_page(*apps: str, before: str = "", head: str = "", attributes: str = "") -> str:
    """A host page loading each app's embed.js and placing a `<mountui-app>` for it."""
    scripts = "".join(f'<script type="module" src="{app}/embed.js"></script>' for app in dict.fromkeys(apps))
    elements = "".join(f'<mountui-app src="{app}/" {attributes}></mountui-app>' for app in apps)
    return (
        f"<!doctype html><html><head><title>Host blog</title>{head}{scripts}</head>"
        f"<body><header><h1>My blog</h1></header>{before}{elements}"
        "<p><button type=button>Host button</button></p></body></html>"
    )


class SiteWatch:
    """Console errors and uncaught errors of a context; requests leaving this machine are aborted."""

    def __init__(self, context: BrowserContext) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requested: list[str] = []
        context.on("request", lambda request: self.requested.append(request.url))
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.route(self._foreign, lambda route: route.abort("blockedbyclient"))

    @staticmethod
    def _foreign(url: str) -> bool:
        host = urlsplit(url).hostname
        return host is not None and host not in LOCAL_HOSTS and not host.endswith("." + TEST_DOMAIN)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _web_error(self, error: WebError) -> None:
        self.page_errors.append(error.error.stack or error.error.message)

    def requests_to(self, fragment: str) -> list[str]:
        return [url for url in self.requested if fragment in url]


@dataclass
class EmbedBrowser:
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(self, *, block_third_party_cookies: bool = False) -> tuple[Page, SiteWatch]:
        """A page in a fresh context; optionally blocking third-party cookies, as Safari, Firefox's strict
        mode and Chrome with that setting do (only partitioned cookies then work in another site's frame)."""
        context = self.browser.new_context()
        self.contexts.append(context)
        watch = SiteWatch(context)
        page = context.new_page()
        if block_third_party_cookies:
            session = context.new_cdp_session(page)
            session.send("Network.enable")
            session.send("Network.setCookieControls", {"enableThirdPartyCookieRestriction": True,
                         "disableThirdPartyCookieMetadata": True, "disableThirdPartyCookieHeuristics": True})  # fmt: skip
        return page, watch


@contextlib.contextmanager
def launch_embed_browser(
    executable: str, certificate: Certificate, *extra_args: str
) -> Iterator[EmbedBrowser]:
    """Chromium resolving `*.test` to loopback and trusting exactly `certificate`'s key."""
    args = [
        *CHROMIUM_ARGS,
        RESOLVER_RULES,
        f"--ignore-certificate-errors-spki-list={certificate.spki_sha256}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=[*args, *extra_args]
        )
        embed = EmbedBrowser(browser)
        try:
            yield embed
        finally:
            for context in embed.contexts:
                context.close()
            browser.close()


def count_demo(delay: float = 0.15) -> Callable[[float], object]:
    def count(upto: float):
        for i in range(1, int(upto) + 1):
            time.sleep(delay)
            yield " ".join(str(n) for n in range(1, i + 1))

    return count


def tools_demo(
    title: str = "Embedded tools", greeting: str = "Hello", greeted: list | None = None
) -> mu.Blocks:
    """Greet (a call; each name is added to `greeted`), Count (a streamed call), an upload, and a button
    that makes the page taller."""

    def greet(name: str) -> str:
        if greeted is not None:
            greeted.append(name)
        return f"{greeting} {name}"

    def describe(path: str | None) -> str:
        return f"received {Path(path).stat().st_size} bytes" if path else "nothing received"

    with mu.Blocks(title=title) as demo:
        name = mu.Textbox(label="Name")
        out = mu.Textbox(label="Greeting")
        mu.Button("Greet").click(greet, name, out, api_name="greet")
        upto = mu.Number(label="Count to", value=4)
        counted = mu.Textbox(label="Counted")
        mu.Button("Count").click(count_demo(), upto, counted, api_name="count")
        document = mu.File(label="Document")
        received = mu.Textbox(label="Received")
        mu.Button("Send").click(describe, document, received, api_name="send")
        notes = mu.Markdown("")
        mu.Button("Grow").click(lambda: "\n\n".join(f"Note {i}" for i in range(1, 25)), None, notes)
    return demo
