"""The `browser` and `page` fixtures: a real Chromium, and a guard that fails pages which misbehave."""

import asyncio
from pathlib import Path

import pytest
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from support.browser import CHROMIUM_PATH, PageWatch, artifact_path, find_foreign_requests, is_foreign_url
from support.programs import require_program

TESTS_DIR = Path(__file__).parent


@pytest.fixture
def needs_chromium():
    # For tests that run an inner pytest with the browser: skip or fail here as the `browser` fixture would.
    require_program("chromium", CHROMIUM_PATH, apt_package="chromium")


def html_app(body: str) -> Starlette:
    return Starlette(routes=[Route("/", lambda request: HTMLResponse(f"<!doctype html>{body}"))])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/app/",
        "http://localhost:5173/main.js",
        "ws://[::1]:8000/socket",
        "data:text/plain,hi",
        "blob:http://127.0.0.1:8000/3f1c",
        "about:blank",
    ],
)
def test_loopback_and_hostless_urls_stay_on_the_machine(url):
    assert not is_foreign_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.js",
        "https://fonts.googleapis.com/css?family=Inter",
        "wss://cdn.example.org/live",
        "http://127.0.0.2/",
        "http://10.0.0.1:8000/",
    ],
)
def test_other_hosts_are_foreign(url):
    assert is_foreign_url(url)


def test_foreign_requests_are_listed_once_in_order():
    urls = ["http://127.0.0.1/", "http://b.test/1", "http://a.test/2", "http://b.test/1"]

    assert find_foreign_requests(urls) == ["http://b.test/1", "http://a.test/2"]


def test_artifact_names_are_safe_file_names(tmp_path):
    assert artifact_path(tmp_path, "test_upload[big file/ü]") == tmp_path / "test_upload_big_file_ü.png"


def test_page_shows_what_the_server_sent(serve, page):
    base_url = serve(html_app("<h1>Hello, mountui</h1>"))

    page.goto(f"{base_url}/")

    expect(page.get_by_role("heading")).to_have_text("Hello, mountui")


def test_watch_aborts_foreign_requests_and_collects_errors(serve, browser):
    base_url = serve(
        html_app(
            '<script src="http://example.com/x.js"></script>'
            "<script>console.error('something broke'); null.boom;</script><p>done</p>"
        )
    )
    context = browser.new_context()
    try:
        watch = PageWatch(context)
        page = context.new_page()
        failures = []
        page.on("requestfailed", lambda request: failures.append((request.url, request.failure)))

        page.goto(f"{base_url}/")
        expect(page.get_by_text("done")).to_be_visible()

        assert len(failures) == 1
        assert failures[0][0] == "http://example.com/x.js"
        assert failures[0][1].startswith("net::ERR_BLOCKED_BY_CLIENT")
        problems = watch.problems()
        assert problems[0] == "request to a host other than loopback (aborted): http://example.com/x.js"
        assert any("console error: something broke" in problem for problem in problems)
        assert any(problem.startswith("uncaught page error: TypeError") for problem in problems)
        assert watch.problems(allow_console_errors=True) == problems[:1]
    finally:
        context.close()


@pytest.mark.allow_console_errors
def test_a_test_may_allow_console_errors(serve, page):
    base_url = serve(html_app("<script>console.error('expected in this test')</script><p>ok</p>"))

    page.goto(f"{base_url}/")

    expect(page.get_by_text("ok")).to_be_visible()


def test_page_fixture_fails_a_test_whose_page_requests_a_foreign_host(pytester, monkeypatch, needs_chromium):
    # Run a small suite with our own conftest in a separate pytest process, and look at its verdict.
    pytester.makeconftest((TESTS_DIR / "conftest.py").read_text())
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    pytester.makepyfile(
        test_inner="""
        from starlette.applications import Starlette
        from starlette.responses import HTMLResponse
        from starlette.routing import Route

        PAGE = '<!doctype html><script src="http://example.com/x.js"></script><p>hi</p>'

        def test_loads_a_script_from_the_internet(serve, page):
            app = Starlette(routes=[Route("/", lambda request: HTMLResponse(PAGE))])
            page.goto(serve(app) + "/")
            assert page.text_content("p") == "hi"
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*request to a host other than loopback (aborted): http://example.com/x.js*"]
    )
    screenshot = pytester.path / "artifacts" / "test_loads_a_script_from_the_internet.png"
    assert screenshot.read_bytes().startswith(b"\x89PNG")


def test_a_failing_test_leaves_a_screenshot(pytester, monkeypatch, needs_chromium):
    pytester.makeconftest((TESTS_DIR / "conftest.py").read_text())
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    pytester.makepyfile(
        test_inner="""
        def test_expects_the_wrong_title(page):
            page.set_content("<title>Right</title>")
            assert page.title() == "Wrong"
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(failed=1)
    assert (pytester.path / "artifacts" / "test_expects_the_wrong_title.png").is_file()


def test_a_browser_test_before_an_asyncio_test(page):
    page.set_content("<p>a browser test</p>")


def test_asyncio_run_after_a_browser_test():
    # The shared browser was closed before this test, so Playwright's loop no longer looks like it runs here.
    async def answer():
        return 42

    assert asyncio.run(answer()) == 42
