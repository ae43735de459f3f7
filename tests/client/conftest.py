"""Fixtures of the client tests: the demo of client_demo.py, one client per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from client_demo import asgi_client, make_demo

from mountui.server.app import build_app


@pytest.fixture
def with_client(tmp_path: Path) -> Callable[..., Any]:
    """``async with with_client(**settings) as client``: the demo built with `settings`, downloads in tmp."""

    def open_client(**settings: Any) -> Any:
        return asgi_client(build_app(make_demo(), **settings), download_dir=tmp_path / "downloads")

    return open_client
