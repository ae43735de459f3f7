"""Fixtures of the API tests: the demo app served by real uvicorn alone, under /ui of FastAPI, behind a
header or a password; and a proxy that breaks one stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from api_apps import PASSWORD, SECRET_KEY, DroppingProxy, bearer_user, make_demo, mounted_host


@pytest.fixture
def demo_url(serve: Callable[..., str]) -> str:
    return serve(make_demo().build_app()) + "/"


@pytest.fixture
def mounted_url(serve: Callable[..., str]) -> str:
    return serve(mounted_host(make_demo())) + "/ui/"


@pytest.fixture
def header_url(serve: Callable[..., str]) -> str:
    return serve(mounted_host(make_demo(), auth_dependency=bearer_user)) + "/ui/"


@pytest.fixture
def password_url(serve: Callable[..., str]) -> str:
    app = make_demo().build_app(auth=PASSWORD, secret_key=SECRET_KEY, max_login_attempts=3)
    return serve(app) + "/"


@pytest.fixture
def dropping_proxy() -> Iterator[Callable[[str, bytes], DroppingProxy]]:
    proxies: list[DroppingProxy] = []

    def start(base_url: str, marker: bytes) -> DroppingProxy:
        host, port = base_url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        proxy = DroppingProxy((host, int(port)), marker)
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.close()
