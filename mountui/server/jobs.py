"""Who is calling, and what the server keeps of one call while it runs and while it can be resumed."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any

from mountui.events import Dependency
from mountui.server.progress import ProgressRelay
from mountui.store.queue import Ticket


@dataclass(slots=True)
class Caller:
    """Who is calling: the identity the guard resolved, and the browser tab the call comes from."""

    username: str | None
    tab_id: str | None  # State lives per tab; None for stateless API calls
    request: Any  # starlette Request
    base_path: str  # public path of the mounted app, for file URLs
    oauth_profile: Any = None
    oauth_token: Any = None
    login_session_id: str | None = None  # the sign-in (password or OAuth) the call runs under


@dataclass(eq=False, slots=True)
class Job:
    event_id: str
    dep: Dependency
    owner: str | None
    done: asyncio.Future[tuple[str, dict[str, Any]]]
    task: asyncio.Task[None] | None = None
    ticket: Ticket | None = None  # its slot or place in the queue
    readers: int = 0
    cancel_timer: asyncio.TimerHandle | None = None
    progress: ProgressRelay | None = None
    login_session_id: str | None = None
    started: bool = False
    closing: bool = False
    finished: bool = False
    # Only streamed calls keep an event log (to be read and resumed); a JSON call just waits for `done`.
    logged: bool = True
    keep: int = 100  # events its log keeps (fewer when outputs are large: `event_log_max_bytes`)
    attempt: int = 0  # 1 when run again after the worker running it was lost
    cancel_asked: tuple[str, dict[str, Any]] | None = None  # a cancel that came before its task existed
    accepted: bool = False  # its first event is written: from now on a cancel ends it at once
    queued_at: float = 0.0  # wall-clock times
    started_at: float | None = None

    @property
    def holder(self) -> str:
        """Its name in the queue: one per attempt, so a lost attempt cannot free the slot of the next."""
        return f"{self.event_id}:{self.attempt}"

    @property
    def is_done(self) -> bool:
        return self.done.done()


@dataclass(eq=False, slots=True)
class RemoteJob:
    """A call that another worker runs, as its record in the shared store shows it."""

    event_id: str
    owner: str | None
    is_done: bool


class FinishedCalls:
    """Finished streamed calls, readable for `retention` s: of each only its owner (its events are in the log).

    Their deadlines come in finishing order (one retention for all), so a queue and one timer for its head
    forget them: no timer per call, and nothing the garbage collector has to walk (strings and floats)."""

    def __init__(self, retention: float) -> None:
        self.retention = retention
        self._owners: dict[str, str | None] = {}
        self._deadlines: deque[tuple[float, str]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, event_id: str, owner: str | None) -> None:
        self._owners[event_id] = owner
        loop = asyncio.get_running_loop()
        self._deadlines.append((loop.time() + self.retention, event_id))
        if self._timer is None:
            self._timer = loop.call_at(self._deadlines[0][0], self._forget)

    def find(self, event_id: str) -> RemoteJob | None:
        if event_id not in self._owners:
            return None
        return RemoteJob(event_id, self._owners[event_id], is_done=True)

    def _forget(self) -> None:
        loop = asyncio.get_running_loop()
        while self._deadlines and self._deadlines[0][0] <= loop.time():
            self._owners.pop(self._deadlines.popleft()[1], None)
        self._timer = loop.call_at(self._deadlines[0][0], self._forget) if self._deadlines else None

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


CANCELLED = ("error", {"code": "cancelled", "message": "the call was cancelled"})
# A hint, in seconds, for callers to try again (on another worker, or when this one is back).
RETRY_AFTER = 2
WORKER_LOST = (
    "error",
    {
        "code": "worker_lost",
        "message": "the server process running this call stopped before it finished; start it again",
    },
)
SHUTTING_DOWN = (
    "error",
    {
        "code": "shutting_down",
        "message": f"the server is restarting; try again in {RETRY_AFTER} s",
        "retry_after": RETRY_AFTER,
    },
)
