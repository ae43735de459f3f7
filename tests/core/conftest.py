"""Helpers for the core tests: a live UI on a real uvicorn server, and a reader for event streams."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import mountui


@pytest.fixture
def live(serve: Callable[..., str]) -> Callable[..., str]:
    """Serve a Blocks alone on a real server: ``base = live(demo, **settings)``."""

    def start(blocks: mountui.Blocks, **settings: Any) -> str:
        return serve(blocks.build_app(**settings))

    return start


@pytest.fixture
def live_app(serve: Callable[..., str]) -> Callable[..., tuple[str, Any]]:
    """Like `live`, also handing back the app, so a test can wait on its queue instead of sleeping."""

    def start(blocks: mountui.Blocks, **settings: Any) -> tuple[str, Any]:
        app = blocks.build_app(**settings)
        return serve(app), app

    return start


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as client:
        yield client
