"""Running dependencies as the page does (frontend/src/runner.js): a trigger collects the inputs' values at
once, calls `api/{endpoint}` as an event stream, applies each `output` and the `complete` result (outputs whose
value changed fire `change`, which may run other dependencies), and turns an `error` into a toast. A dependency
triggered while it runs runs once more after it finishes, with the newest inputs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mountui.testing.connection import FAILED, CallFailed, Connection
from mountui.testing.errors import UITestError
from mountui.testing.page import PageModel
from mountui.testing.values import EVENTS


@dataclass(frozen=True)
class UIEvent:
    """One event a call sent the page: `kind` is queued, started, progress, output, complete or error."""

    endpoint: str
    kind: str
    data: Any = None

    @property
    def message(self) -> str | None:
        """An error event's message."""
        return self.data.get("message") if self.kind == "error" and isinstance(self.data, dict) else None


@dataclass(frozen=True)
class Toast:
    """An error notification the page shows (`title` is "Error", or "Upload failed")."""

    message: str
    title: str = "Error"


@dataclass
class _Run:
    again: bool = False


@dataclass
class EventRunner:
    page: PageModel
    connection: Connection
    on_event: Callable[[UIEvent], None]
    on_toast: Callable[[Toast], None]
    running: dict[int, _Run] = field(default_factory=dict)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def fire(self, cid: int | None, event: str) -> None:
        """A component (None: the page itself, for `load`) fired `event`: run its listeners."""
        kind = self.page.specs[cid]["type"] if cid is not None else None
        if kind in EVENTS and event not in EVENTS[kind]:
            raise UITestError(f"a {kind} never fires {event!r} in the page; UITester must not either")
        for dep in self.page.listeners.get((cid, event), []):
            self.trigger(dep)

    def trigger(self, dep: dict[str, Any]) -> None:
        state = self.running.get(dep["id"])
        if state is not None:
            state.again = True
            return
        self._start(dep)

    def _start(self, dep: dict[str, Any]) -> None:
        state = _Run()
        self.running[dep["id"]] = state
        data = [self.page.input_value(cid) for cid in dep.get("inputs") or []]  # read now, like the page
        task = asyncio.get_running_loop().create_task(self._run(dep, data, state))
        self.tasks.add(task)

    async def _run(self, dep: dict[str, Any], data: list[Any], state: _Run) -> None:
        endpoint = dep["endpoint"]
        seen: dict[int, str] = {}
        failure: str | None = None

        def take(kind: str, payload: Any) -> None:
            nonlocal failure
            if failure is not None:
                return
            self.on_event(UIEvent(endpoint, kind, payload))
            body = payload if isinstance(payload, dict) else {}
            if kind in ("output", "complete"):
                for cid in self.page.apply_outputs(dep, body.get("data"), seen):
                    self.fire(cid, "change")
            elif kind == "error":
                failure = str(body.get("message") or FAILED)

        try:
            await self.connection.call(endpoint, data, self.page.session_id, take)
        except CallFailed as exc:
            failure = exc.message
        finally:
            self.running.pop(dep["id"], None)
        if failure is not None:
            self.on_toast(Toast(failure))
        if state.again:
            self._start(dep)

    async def settle(self, timeout: float) -> None:
        """Wait until no dependency runs any more (chains included); raise what went wrong in one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.tasks:
            pending = set(self.tasks)
            remaining = deadline - loop.time()
            done, _ = await asyncio.wait(pending, timeout=max(remaining, 0))
            for task in done:
                self.tasks.discard(task)
                error = task.exception()
                if error is not None:
                    raise error
            if not done and remaining <= 0:
                names = sorted({dep for dep in self._running_endpoints()})
                raise UITestError(f"still running after {timeout:g} s: {', '.join(names) or 'events'}")

    def _running_endpoints(self) -> list[str]:
        by_id = {d["id"]: d["endpoint"] for d in self.page.dependencies}
        return [by_id.get(i, str(i)) for i in self.running]

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            await asyncio.wait(set(self.tasks))
        self.tasks.clear()
