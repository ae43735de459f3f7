"""Fixtures for the browser tests: serve a Blocks app and open it in the watched `page`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page


@pytest.fixture
def open_app(serve: Callable[..., str], page: Page) -> Callable[..., str]:
    """``base = open_app(demo, path="/", **settings)``: serve `demo` and open it; returns the server's URL.

    `demo` is a Blocks (built with `build_app(**settings)`) or any ASGI app (a FastAPI host).
    """

    def open_(demo: Any, path: str = "/", **settings: Any) -> str:
        app = demo.build_app(**settings) if hasattr(demo, "build_app") else demo
        base = serve(app)
        page.goto(base + path)
        return base

    return open_
