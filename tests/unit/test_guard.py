"""The guard, in process: a short public list, deny by default (a page and the API are refused differently),
cross-site requests refused before anyone is identified, and the caller identified once per request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from inprocess import serving
from starlette.requests import Request

import mountui
from mountui.server.app import build_app

pytestmark = pytest.mark.anyio

UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "sign in to use this app"}}


def whoami_demo() -> mountui.Blocks:
    def whoami(text: str, request: mountui.Request) -> str:
        return f"{text}: {request.username}"

    with mountui.Blocks(title="Guarded") as demo:
        box, out = mountui.Textbox(), mountui.Textbox()
        mountui.Button().click(whoami, box, out, api_name="whoami")
    return demo


class CountingDependency:
    """The host's auth dependency: the user named in X-User, and how often it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: Request) -> str | None:
        self.calls += 1
        return request.headers.get("x-user")


async def test_only_the_public_list_is_open_to_strangers() -> None:
    app = build_app(whoami_demo(), auth_dependency=CountingDependency())
    async with serving(app) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/favicon.ico")).status_code == 200
        assert (await client.get("/static/no-such-asset.js")).status_code == 404  # past the guard
        for method, path in [
            ("GET", "/config"),
            ("POST", "/api/whoami"),
            ("GET", "/api_info"),
            ("GET", "/openapi.json"),
            ("GET", "/docs"),
            ("GET", "/file/some-id"),
            ("GET", "/a-route-added-later"),  # deny by default: not a 404 that reveals what exists
        ]:
            response = await client.request(method, path, json={"data": ["x"]} if method == "POST" else None)
            assert (response.status_code, response.json()) == (401, UNAUTHORIZED), path
            assert response.headers["cache-control"] == "no-store"


async def test_a_refused_page_says_sign_in_while_the_api_answers_json() -> None:
    async with serving(build_app(whoami_demo(), auth_dependency=lambda r: None)) as client:
        page = await client.get("/")
        assert page.status_code == 401
        assert page.headers["content-type"].startswith("text/html")
        assert "<h1>Sign in required</h1>" in page.text
        api = await client.get("/config")
        assert (api.status_code, api.json()) == (401, UNAUTHORIZED)


async def test_with_a_login_url_a_refused_page_is_sent_there_and_the_api_is_not() -> None:
    app = build_app(whoami_demo(), auth_dependency=lambda r: None, login_url="/sso/start")
    async with serving(app) as client:
        page = await client.get("/")
        assert (page.status_code, page.headers["location"]) == (303, "/sso/start")
        assert (await client.post("/api/whoami", json={"data": ["x"]})).status_code == 401


async def test_password_apps_send_a_refused_page_to_their_sign_in_form() -> None:
    app = build_app(whoami_demo(), auth=("ann", "a-password"), secret_key="k" * 40)
    async with serving(app) as client:
        page = await client.get("/")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login?next=")
        assert (await client.get("/login")).status_code == 200  # the form itself is public
        assert (await client.get("/config")).json() == UNAUTHORIZED


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site too
        {"Origin": "https://evil.example"},  # an older browser: no Sec-Fetch-Site
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    ],
)
async def test_a_request_another_site_made_is_refused_before_anyone_is_identified(
    headers: dict[str, str],
) -> None:
    who = CountingDependency()
    async with serving(build_app(whoami_demo(), auth_dependency=who)) as client:
        for method, path in [("POST", "/api/whoami"), ("DELETE", "/api/events/x"), ("POST", "/upload")]:
            response = await client.request(
                method, path, json={"data": ["x"]}, headers={**headers, "X-User": "ann"}
            )
            assert response.status_code == 403, path
            assert response.json() == {
                "error": {"code": "cross_site", "message": "requests from other sites are refused"}
            }
    assert who.calls == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, a script, the Python client: no browser, so no other site behind it
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver"},
        {"Origin": "https://partner.example", "Sec-Fetch-Site": "cross-site"},  # in allowed_origins
    ],
)
async def test_requests_from_this_app_or_an_allowed_origin_pass(headers: dict[str, str]) -> None:
    app = build_app(
        whoami_demo(), auth_dependency=CountingDependency(), allowed_origins=["https://partner.example"]
    )
    async with serving(app) as client:
        response = await client.post(
            "/api/whoami", json={"data": ["hi"]}, headers={**headers, "X-User": "ann"}
        )
        assert response.json() == {"data": ["hi: ann"]}


async def test_the_caller_is_identified_once_per_request() -> None:
    who = CountingDependency()
    async with serving(build_app(whoami_demo(), auth_dependency=who)) as client:
        config = await client.get("/config", headers={"X-User": "ann"})
        assert config.json()["username"] == "ann"
        assert who.calls == 1
        call = await client.post("/api/whoami", json={"data": ["hi"]}, headers={"X-User": "ann"})
        assert call.json() == {"data": ["hi: ann"]}
        assert who.calls == 2
        await client.get("/healthz")  # public: nobody is asked
        assert who.calls == 2


@pytest.mark.parametrize(
    "dependency",
    [
        lambda request: 1 / 0,  # raises
        lambda request: "",  # an empty name is nobody
        lambda request: True,  # not a str
    ],
)
async def test_an_identity_source_that_fails_refuses_the_caller(dependency: Callable[[Any], Any]) -> None:
    async with serving(build_app(whoami_demo(), auth_dependency=dependency)) as client:
        response = await client.post("/api/whoami", json={"data": ["hi"]})
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


async def test_without_any_auth_everyone_is_let_in_anonymously() -> None:
    async with serving(build_app(whoami_demo())) as client:
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/config")).json()["username"] is None
        call = await client.post("/api/whoami", json={"data": ["hi"]})
        assert call.json() == {"data": ["hi: None"]}
