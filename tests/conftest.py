"""Fixtures that let a test read like a user story: a real server, a browser, nginx in front, Redis behind.

    def test_page_shows_the_title(serve, page):
        base_url = serve(build_app(demo))
        page.goto(base_url + "/")
        expect(page.get_by_role("heading")).to_have_text("Demo")

Programs the fixtures need (chromium, nginx, caddy, redis-server) come from Debian; .ci/run installs them.
Without them a test is skipped locally, and fails in CI, where nothing may be skipped silently.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page
from support.browser import CHROMIUM_PATH, PageWatch, SharedBrowser, artifact_path
from support.caddy import CADDY_PATH, CaddyProcess
from support.clock import FakeClock
from support.nginx import NGINX_PATH, NginxProcess
from support.oidc import OIDCProvider, running_provider
from support.programs import require_program
from support.redis import REDIS_SERVER, RedisProcess
from support.server import BackgroundServer, stop_servers

pytest_plugins = ["pytester"]

ARTIFACTS = Path(__file__).parent / "artifacts"
_reports = pytest.StashKey[dict[str, pytest.TestReport]]()
_shared_browser = pytest.StashKey[SharedBrowser]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_console_errors: the `page` fixture tolerates browser console errors and uncaught page "
        "errors in this test (requests to other hosts still fail it)",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    # Keep each phase's report on the item, so that fixture teardown can tell whether the test failed.
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def _test_failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_reports, {})
    return any(report.failed for report in reports.values())


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when the test says: ``build_app(demo, clock=clock)``, ``clock.advance(61)``."""
    return FakeClock()


# -- servers -------------------------------------------------------------------------------------------


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Run an ASGI app under a real uvicorn server: ``base_url = serve(app, root_path="")``.

    Each call starts another server on a free loopback port (lifespan on) and returns its base URL, such as
    ``http://127.0.0.1:40123``. Extra keyword arguments go to ``uvicorn.Config``. All servers stop at
    teardown, even with responses still streaming.
    """
    servers: list[BackgroundServer] = []

    def start(app: Any, root_path: str = "", **uvicorn_config: Any) -> str:
        server = BackgroundServer(app, root_path=root_path, **uvicorn_config)
        servers.append(server)
        return server.start()

    yield start
    stuck = stop_servers(servers)
    if stuck:
        warnings.warn(f"uvicorn servers still running after teardown: {', '.join(stuck)}", stacklevel=1)


@pytest.fixture
def clients() -> Iterator[Callable[[], httpx.Client]]:
    """``client = clients()``: a fresh cookie jar each call (a separate browser); redirects not followed."""
    opened: list[httpx.Client] = []

    def make() -> httpx.Client:
        client = httpx.Client(timeout=20, follow_redirects=False)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def client(clients: Callable[[], httpx.Client]) -> httpx.Client:
    return clients()


@pytest.fixture
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Put nginx in front of something: ``base_url = nginx(server_body, http_extra="")``.

    `server_body` is what goes inside ``server { ... }``, usually ``location`` blocks naming the upstream::

        upstream = serve(host_app)
        proxy = nginx(f"location /tools/ {{ proxy_pass {upstream}/; }}")

    `http_extra` goes into the ``http { ... }`` block (a ``map``, an ``upstream`` with several servers).
    """
    executable = require_program("nginx", NGINX_PATH, apt_package="nginx")
    started: list[NginxProcess] = []

    def start(server_body: str, *, http_extra: str = "") -> str:
        process = NginxProcess(
            server_body,
            http_extra=http_extra,
            workdir=tmp_path_factory.mktemp("nginx"),
            executable=executable,
        )
        started.append(process)
        return process.start()

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """Put Caddy in front of something: ``base_url = caddy(sites)``.

    `sites` is the Caddyfile's site blocks, with ``support.caddy.ADDRESS`` as the site address (it becomes
    ``http://127.0.0.1:PORT``)::

        upstream = serve(host_app)
        proxy = caddy(f"{ADDRESS} {{ reverse_proxy {upstream} }}")
    """
    executable = require_program("caddy", CADDY_PATH, apt_package="caddy")
    started: list[CaddyProcess] = []

    def start(sites: str) -> str:
        process = CaddyProcess(sites, workdir=tmp_path_factory.mktemp("caddy"), executable=executable)
        started.append(process)
        return process.start()

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    """A real, conforming OpenID provider on loopback (tests/support/oidc): profile claims from its userinfo
    endpoint, token introspection on. One for the whole run: each test registers clients of its own."""
    yield from running_provider(tmp_path_factory.mktemp("oidc"))


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty redis-server for this test alone: ``redis://127.0.0.1:PORT/0``."""
    executable = require_program(REDIS_SERVER, "/usr/bin/redis-server", apt_package="redis-server")
    process = RedisProcess(workdir=tmp_path_factory.mktemp("redis"), executable=executable)
    try:
        yield process.start()
    finally:
        process.stop()


# -- browser -------------------------------------------------------------------------------------------


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Browser:
    """Headless Debian Chromium driven by Playwright's sync API, shared by consecutive browser tests.

    It is closed before the next test that does not use it (see `SharedBrowser` for why), so do not mix
    ``asyncio.run`` or async tests with a browser inside one test.
    """
    executable = require_program("chromium", CHROMIUM_PATH, apt_package="chromium")
    shared = request.config.stash.setdefault(_shared_browser, SharedBrowser(executable))
    return shared.get()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if "browser" not in getattr(item, "fixturenames", ()):
        _close_shared_browser(item.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    _close_shared_browser(session.config)


def _close_shared_browser(config: pytest.Config) -> None:
    shared = config.stash.get(_shared_browser, None)
    if shared is not None:
        shared.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page in its own browser context (no cookies shared between tests), watched throughout.

    At teardown the test fails if the page requested any host other than loopback (such requests are
    aborted, so nothing leaves the machine), logged a console error, or threw an uncaught error; mark a test
    ``@pytest.mark.allow_console_errors`` when errors are what it expects. A failing test leaves a
    screenshot in ``tests/artifacts/<test name>.png``.
    """
    context = browser.new_context()
    watch = PageWatch(context)
    page = context.new_page()
    yield page

    try:
        page.title()  # a round trip, so that events the page sent last are delivered before we look
    except Exception:
        pass  # the page may have crashed or been closed by the test: report what was collected
    allowed = request.node.get_closest_marker("allow_console_errors") is not None
    problems = watch.problems(allow_console_errors=allowed)
    if problems or _test_failed(request.node):
        _save_screenshot(page, request.node.name)
    context.close()
    if problems:
        pytest.fail("the page misbehaved:\n  " + "\n  ".join(problems), pytrace=False)


def _save_screenshot(page: Page, test_name: str) -> None:
    path = artifact_path(ARTIFACTS, test_name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # a screenshot must never hide the test's own failure
        warnings.warn(f"could not save a screenshot to {path}: {error}", stacklevel=1)
