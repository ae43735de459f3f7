"""Rate limits, checked in `Pipeline.start` before the queue: the page, the HTTP API, the Python client and
MCP all meet the same limit.

A call counts against the app-wide `rate_limit` setting and its listener's own `rate_limit=`, per caller:
the signed-in user, else the client's address (the real one: forwarded headers count only from
`trusted_proxies`), or whatever `rate_limit_key(request)` returns. The counts are moving windows kept in the
store (`Store.hit_windows`), so with a `RedisStore` a limit holds across every worker.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

from mountui.errors import CallError
from mountui.events import Dependency
from mountui.http.urls import mount_path
from mountui.rates import parse_rate_limit
from mountui.server.jobs import Caller
from mountui.server.observer import CallObserver
from mountui.store.base import Store

logger = logging.getLogger("mountui")

Windows = tuple[tuple[str, int, float], ...]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def retry_text(wait: float) -> tuple[int, str]:
    """Whole seconds to wait (at least 1, rounded up: trying earlier would fail) and the words for it."""
    seconds = max(1, math.ceil(wait))
    return seconds, f"Too many requests, try again in {seconds} s"


class RateLimiter:
    def __init__(
        self,
        dependencies: Sequence[Dependency],
        app_limit: str | None,
        key_fn: Callable[[Any], Any] | None,
        store: Store,
        observer: CallObserver,
    ) -> None:
        self.store = store
        self.observer = observer
        self.key_fn = key_fn
        app_windows = parse_rate_limit(app_limit).windows if app_limit else ()
        # Per endpoint, every window a call must fit in; endpoints without a limit are left out.
        self.plans: dict[str, Windows] = {}
        for dep in dependencies:
            windows: list[tuple[str, int, float]] = []
            if dep.rate_limit is not False:
                windows += [("app", calls, seconds) for calls, seconds in app_windows]
            if dep.rate_limit:
                # Listeners sharing a concurrency_id (an Interface's button and its textbox's Enter) share
                # one budget too: otherwise the second way in would double the limit.
                name = "endpoint:" + (dep.concurrency_id or dep.endpoint)
                windows += [
                    (name, calls, seconds) for calls, seconds in parse_rate_limit(dep.rate_limit).windows
                ]
            if windows:
                self.plans[dep.endpoint] = tuple(windows)
        # What runs the app's code outside a listener (MCP resource reads, prompts) counts in the app window.
        self.app_plan: Windows = tuple(("app", calls, seconds) for calls, seconds in app_windows)

    async def check(self, dep: Dependency, caller: Caller) -> None:
        """Count the call, or raise 429 `rate_limited` with the seconds left in `Retry-After`."""
        windows = self.plans.get(dep.endpoint)
        if windows is None:
            return
        if refusal := await self._refusal(windows, caller, f"a call of {dep.endpoint}"):
            self.observer.rate_limited(dep)
            raise refusal

    async def check_other(self, what: str, caller: Caller) -> None:
        """The same for app code run outside a listener (`what` names it in the log): the app-wide limit."""
        if self.app_plan and (refusal := await self._refusal(self.app_plan, caller, what)):
            raise refusal

    async def _refusal(self, windows: Windows, caller: Caller, what: str) -> CallError | None:
        who, described = await self._caller_key(caller)
        wait = await self.store.hit_windows(who, windows)
        if wait <= 0:
            return None
        seconds, message = retry_text(wait)
        logger.info("mountui: refused %s by %s: rate limit (%d s left)", what, described, seconds)
        return CallError(429, "rate_limited", message, {"Retry-After": str(seconds)})

    async def _caller_key(self, caller: Caller) -> tuple[str, str]:
        """The store key counting this caller's calls (per mounted UI), and who it is, for the log."""
        request = caller.request
        scope = getattr(request, "scope", None)
        app = _digest(mount_path(scope) or "/")[:10] if scope is not None else "-"
        if self.key_fn is not None and request is not None:
            key = self.key_fn(request)
            if inspect.isawaitable(key):
                key = await key
            if isinstance(key, str) and key:
                return f"rate:{app}:key:{_digest(key)}", f"key {key[:64]!r}"
        if caller.username:
            return f"rate:{app}:user:{_digest(caller.username)}", f"user {caller.username[:64]!r}"
        client = getattr(request, "client", None)
        host = client.host if client is not None else "unknown"
        return f"rate:{app}:address:{host}", host
