"""The "Use via API" page: what it shows, its headers, and every snippet on it run against the live app."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from api_apps import PASSWORD, SECRET_KEY, bearer_user, make_demo, mounted_host
from playwright.sync_api import Page, expect
from support.programs import require_program


@dataclass
class Snippet:
    lang: str
    endpoint: str
    form: str
    code: str


class SnippetParser(HTMLParser):
    """Collects the text of each `<code data-snippet=...>` block, unescaped, as a reader would copy it."""

    def __init__(self) -> None:
        super().__init__()
        self.snippets: list[Snippet] = []
        self._current: Snippet | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "code" and found.get("data-snippet"):
            self._current = Snippet(
                found["data-snippet"] or "",
                found.get("data-endpoint") or "",
                found.get("data-form") or "",
                "",
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._current is not None:
            self.snippets.append(self._current)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.code += data


def snippets_of(docs_url: str, **client_options: object) -> list[Snippet]:
    response = httpx.get(docs_url, **client_options)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    parser = SnippetParser()
    parser.feed(response.text)
    return parser.snippets


# What a user sees when each endpoint's snippet runs with its example values.
EXPECTED = {
    "greet": r"Hello Hello!!!",
    "stats": r"HELLO!!",
    "count": r"1,\s*2,\s*3",
    "slow": r"done",
    "shout": r"HELLO!!",
    "reverse_file": r"reversed-example\.txt",
    "sizes": r"example\.txt",
    "whoami": r"{user}",
}
ENDPOINTS = sorted(EXPECTED)


def run_snippet(snippet: Snippet, workdir: Path, replacements: dict[str, str]) -> str:
    code = snippet.code
    for placeholder, value in replacements.items():
        code = code.replace(placeholder, value)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    if snippet.lang == "python":
        command = [sys.executable, "-c", code]
    elif snippet.lang == "javascript":
        (workdir / "call.mjs").write_text(code)
        command = [require_program("node", "/usr/bin/node", apt_package="nodejs"), "call.mjs"]
    else:
        require_program("curl", "/usr/bin/curl", apt_package="curl")
        command = ["bash", "-euo", "pipefail", "-c", code]
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (
        f"{snippet.lang} snippet of {snippet.endpoint} failed:\n{code}\n{done.stderr}"
    )
    return done.stdout


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    # The local files the snippets name, as a user would have them.
    (tmp_path / "example.txt").write_text("hello from a file")
    (tmp_path / "example.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def _open_app(serve: Callable[..., str]) -> tuple[str, dict[str, str], dict[str, object], str]:
    return serve(make_demo(crash=False).build_app()) + "/", {}, {}, "nobody"


def _header_app(serve: Callable[..., str]) -> tuple[str, dict[str, str], dict[str, object], str]:
    url = serve(mounted_host(make_demo(crash=False), auth_dependency=bearer_user)) + "/ui/"
    return url, {"YOUR_TOKEN": "tok-alice"}, {"headers": {"Authorization": "Bearer tok-alice"}}, "alice"


def _password_app(serve: Callable[..., str]) -> tuple[str, dict[str, str], dict[str, object], str]:
    app = make_demo(crash=False).build_app(auth=PASSWORD, secret_key=SECRET_KEY)
    url = serve(app) + "/"
    with httpx.Client() as client:
        client.post(url + "login", data={"username": PASSWORD[0], "password": PASSWORD[1]})
        cookies = dict(client.cookies)
    return url, {"USERNAME": PASSWORD[0], "PASSWORD": PASSWORD[1]}, {"cookies": cookies}, "alice"


APPS = {"open": _open_app, "header": _header_app, "password": _password_app}


@pytest.mark.parametrize("app_kind", list(APPS))
@pytest.mark.parametrize("lang", ["python", "javascript", "curl"])
def test_every_snippet_runs(serve, workdir: Path, app_kind: str, lang: str) -> None:
    url, replacements, options, user = APPS[app_kind](serve)
    snippets = [s for s in snippets_of(url + "docs", **options) if s.lang == lang]
    forms = 2 if lang == "curl" else 1
    assert sorted({s.endpoint for s in snippets}) == ENDPOINTS
    assert len(snippets) == len(ENDPOINTS) * forms
    for snippet in snippets:
        assert url in snippet.code, "snippets use the app's public URL"
        output = run_snippet(snippet, workdir, replacements)
        expected = EXPECTED[snippet.endpoint].format(user=user)
        assert re.search(expected, output), f"{lang} {snippet.endpoint} printed:\n{output}"
        if snippet.form == "sse":
            assert "event: complete" in output
            assert re.search(r"^id: [\w-]+:\d+", output, re.M)


def test_the_page_lists_each_endpoint_with_its_parameters(demo_url: str) -> None:
    response = httpx.get(demo_url + "docs")
    assert response.status_code == 200
    page = response.text
    assert "<title>Demo API: API</title>" in page
    assert 'href="openapi.json"' in page
    for name in ["greet", "stats", "count", "slow", "shout", "crash", "reverse_file", "sizes", "whoami"]:
        assert f'<section id="{name}">' in page
    assert "_event_" not in page  # endpoints with api_name=False stay out of the docs
    greet = page[page.index('<section id="greet">') :]
    greet = greet[: greet.index("</section>")]
    assert "Greet someone, once or several times." in greet
    assert "<code>name</code>" in greet and "<code>times</code>" in greet
    assert "<code>float | None</code>" in greet
    assert "<code>&quot;Hello!!&quot;</code>" in greet  # the example
    assert "streams" not in greet
    count = page[page.index('<section id="count">') :]
    assert '<span class="badge">streams</span>' in count[: count.index("</section>")]


def test_the_page_runs_no_script_and_allows_only_its_own_style(demo_url: str) -> None:
    response = httpx.get(demo_url + "docs")
    csp = response.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    styles = re.findall(r"<style>(.*?)</style>", response.text, re.S)
    assert len(styles) == 1
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert "<script" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_in_a_browser_light_and_dark(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "docs?__theme=light")
    expect(page.get_by_role("heading", name="Demo API: use via API")).to_be_visible()
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    snippet = page.locator('code[data-snippet="python"][data-endpoint="greet"]')
    expect(snippet).to_contain_text('client.predict(name="Hello!!", times=1, api_name="greet")')
    page.goto(demo_url + "docs?__theme=dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(245, 246, 248)" and dark == "rgb(13, 15, 20)"  # the style sheet was applied
    page.get_by_role("link", name="OpenAPI document").click()
    page.wait_for_url("**/openapi.json")


def test_docs_need_the_same_sign_in_as_the_app(header_url: str) -> None:
    for path in ("docs", "openapi.json", "api_info"):
        assert httpx.get(header_url + path).status_code == 401
        signed_in = httpx.get(header_url + path, headers={"Authorization": "Bearer tok-bob"})
        assert signed_in.status_code == 200
    page = httpx.get(header_url + "docs", headers={"Authorization": "Bearer tok-bob"}).text
    assert "protected by the service it is part of" in page


def test_show_api_false_hides_the_docs(serve) -> None:
    url = serve(make_demo().build_app(show_api=False)) + "/"
    for path in ("docs", "openapi.json"):
        response = httpx.get(url + path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
