"""Who is calling: every mechanism (host dependency, password session, OAuth) ends in an Identity."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mountui.calling import call_callback

logger = logging.getLogger("mountui.auth")


@dataclass(frozen=True)
class Identity:
    username: str | None = None
    login_session_id: str | None = None  # the sign-in (password or OAuth), not the browser tab
    oauth_profile: Any = None
    oauth_token: Any = None


ANONYMOUS = Identity()


class IdentitySource:
    """One way of knowing the caller. `identify` returns None when this source does not know them."""

    #: whether callers this source does not know are refused
    required: bool = True

    async def identify(self, request: Request) -> Identity | None:
        raise NotImplementedError

    def routes(self) -> list[Any]:
        """Public routes this source adds (login forms, callbacks)."""
        return []

    def public_paths(self) -> set[str]:
        return set()

    def deny(self, request: Request, page: bool) -> Response | None:
        """The answer to an unknown caller; None lets the next source (or the default) answer."""
        return None

    async def startup(self) -> None:
        pass


def as_username(value: Any) -> str | None:
    """Only a non-empty str is a user; anything else (None, '', a stray coroutine, True) is nobody."""
    if isinstance(value, str) and value.strip():
        return value
    if value is not None and not isinstance(value, str):
        logger.warning(
            "auth_dependency returned %s, not a str or None: the caller is refused", type(value).__name__
        )
    return None


class DependencySource(IdentitySource):
    """The host's `auth_dependency(request) -> str | None`, sync or async."""

    def __init__(self, dependency: Callable[[Request], Any], login_url: str | None) -> None:
        self.dependency = dependency
        self.login_url = login_url

    async def identify(self, request: Request) -> Identity | None:
        username = as_username(await call_callback(self.dependency, request))
        return Identity(username=username) if username else None
