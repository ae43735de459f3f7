"""Fixtures for the auth tests: fresh HTTP clients (one per simulated browser) and the greeting app served."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from auth_helpers import SECRET, USERS, greeting_demo
from fastapi import FastAPI

import mountui


@pytest.fixture
def password_app(serve: Callable[..., str]) -> Callable[..., str]:
    """``url = password_app(mount="", **settings)``: the greeting app with `auth=USERS`, on a real server.

    With `mount="/ui"` it is mounted at that path in a FastAPI host; the URL returned is the UI's own
    (``http://127.0.0.1:PORT/ui``), without a trailing slash.
    """

    def start(mount: str = "", **settings: Any) -> str:
        settings.setdefault("auth", USERS)
        settings.setdefault("secret_key", SECRET)
        if not mount:
            return serve(greeting_demo().build_app(**settings))
        host = FastAPI()
        mountui.mount_ui_app(host, greeting_demo(), path=mount, **settings)
        return serve(host) + mount

    return start
