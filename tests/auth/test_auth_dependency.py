"""`auth_dependency`: the host says who the caller is; only a non-empty string is a user."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from auth_helpers import greeting_demo
from fastapi import FastAPI
from starlette.requests import Request

import mountui


def user_sync(request: Request) -> str | None:
    return request.headers.get("x-user")


async def user_async(request: Request) -> str | None:
    await asyncio.sleep(0)
    return request.headers.get("x-user")


def user_coroutine(request: Request) -> Any:
    return user_async(request)  # a sync function handing back an awaitable: it is awaited


class UserObject:
    async def __call__(self, request: Request) -> str | None:
        return request.headers.get("x-user")


@pytest.mark.parametrize("dependency", [user_sync, user_async, user_coroutine, UserObject()])
def test_the_users_name_reaches_the_page_and_functions(
    dependency: Any, serve: Callable[..., str], client: httpx.Client
) -> None:
    host = FastAPI()
    mountui.mount_ui_app(host, greeting_demo(), "/ui", auth_dependency=dependency)
    app = serve(host) + "/ui"
    carol = {"X-User": "carol"}
    assert client.get(f"{app}/config", headers=carol).json()["username"] == "carol"
    response = client.post(f"{app}/api/greet", json={"data": ["Eve"]}, headers=carol)
    assert response.json() == {"data": ["Hello Eve, signed in as carol"]}
    welcome = client.post(f"{app}/api/welcome", json={"data": []}, headers=carol)
    assert welcome.json() == {"data": ["<p>Welcome, carol!</p>\n"]}
    assert client.get(f"{app}/", headers=carol).status_code == 200
    # Without the header the same dependency says None: refused.
    assert client.get(f"{app}/config").status_code == 401
    assert client.post(f"{app}/api/greet", json={"data": ["Eve"]}).status_code == 401


def returns_empty(request: Request) -> str:
    return ""


def returns_true(request: Request) -> bool:
    return True


async def returns_true_async(request: Request) -> bool:
    return True


def returns_coroutine_of_true(request: Request) -> Any:
    return returns_true_async(request)


async def returns_whitespace(request: Request) -> str:
    return "   "


def returns_dict(request: Request) -> dict[str, str]:
    return {"name": "carol"}


def raises(request: Request) -> str:
    raise RuntimeError("the host's session store is down")


@pytest.mark.parametrize(
    "dependency",
    [
        returns_empty,
        returns_true,
        returns_true_async,
        returns_coroutine_of_true,
        returns_whitespace,
        returns_dict,
        raises,
    ],
)
def test_anything_but_a_non_empty_string_is_refused(
    dependency: Any, serve: Callable[..., str], client: httpx.Client
) -> None:
    app = serve(greeting_demo().build_app(auth_dependency=dependency))
    config = client.get(f"{app}/config")
    assert config.status_code == 401
    assert config.json()["error"]["code"] == "unauthorized"
    assert client.post(f"{app}/api/greet", json={"data": ["x"]}).status_code == 401
    page = client.get(f"{app}/")
    assert page.status_code == 401 and "Sign in required" in page.text


def test_the_page_sends_strangers_to_the_hosts_login_url(
    serve: Callable[..., str], client: httpx.Client
) -> None:
    host = FastAPI()
    mountui.mount_ui_app(host, greeting_demo(), "/ui", auth_dependency=user_sync, login_url="/sign-in")
    app = serve(host) + "/ui"
    page = client.get(f"{app}/")
    assert page.status_code == 303 and page.headers["location"] == "/sign-in"
    assert client.get(f"{app}/config").status_code == 401  # the API still answers 401, not a redirect


def test_an_event_stream_is_only_for_the_user_who_started_the_call(
    serve: Callable[..., str], client: httpx.Client
) -> None:
    app = serve(greeting_demo().build_app(auth_dependency=user_sync))
    with client.stream(
        "POST",
        f"{app}/api/greet",
        json={"data": ["Eve"]},
        headers={"X-User": "carol", "Accept": "text/event-stream"},
    ) as stream:
        first = next(line for line in stream.iter_lines() if line.startswith("id:"))
    event_id = first.split(":", 1)[1].strip().rsplit(":", 1)[0]
    events = f"{app}/api/events/{event_id}"
    assert client.get(events).status_code == 401
    assert client.get(events, headers={"X-User": "dave"}).status_code == 403
    assert client.get(events, headers={"X-User": "carol"}).status_code == 200
