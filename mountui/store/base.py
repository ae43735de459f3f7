"""The one interface for state shared across workers: key/values with expiry, counters, sets, event logs.

The in-memory store serves one process; a Redis store lets many workers or machines serve one app.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from mountui.store.queue import Queue


class LogRead(NamedTuple):
    """What `Store.log_read` found: `items` starting at index `first`, and whether the log is closed."""

    items: list[Any]
    closed: bool
    first: int


class Store(ABC):
    """Values must be JSON-like (dicts, lists, str, numbers) so any implementation can keep them."""

    # True when other processes see what this store keeps (then calls, their cancellation and files are
    # shared through it, and the app needs a `secret_key` that every worker has).
    shared: bool = False

    # --- keys with optional expiry (seconds) ---
    @abstractmethod
    async def get(self, key: str) -> Any | None: ...

    @abstractmethod
    async def set(self, key: str, value: Any, ttl: float | None = None) -> None: ...

    @abstractmethod
    async def delete(self, key: str) -> None: ...

    @abstractmethod
    async def incr(self, key: str, ttl: float) -> int:
        """Add one to a counter that expires `ttl` seconds after it was created; return the new count."""

    # --- moving-window rate limits ---
    @abstractmethod
    async def hit_windows(self, key: str, windows: Sequence[tuple[str, int, float]]) -> float:
        """Count one hit in each `(name, limit, seconds)` window of `key` if every one of them counted fewer
        than `limit` hits in the last `seconds`, and return 0. Otherwise count nothing anywhere and return how
        many seconds remain until such a hit would fit. Atomic: workers sharing the store never overshoot."""

    # --- sets (for example all session ids of a user) ---
    @abstractmethod
    async def set_add(self, key: str, member: str, ttl: float | None = None) -> None: ...

    @abstractmethod
    async def set_remove(self, key: str, member: str) -> None: ...

    @abstractmethod
    async def set_members(self, key: str) -> set[str]: ...

    # --- append-only event logs of calls, readable while they grow ---
    @abstractmethod
    async def log_append(
        self, log_id: str, item: Any, keep: int | None = None, writer: str | None = None, claim: bool = False
    ) -> int:
        """Append an item; return its index (0, 1, ...). With `keep`, only the last `keep` items stay (the
        indexes of those that stay do not change).

        `writer` fences out a writer that was replaced: with `claim`, the log belongs to `writer` from this
        append on; without, the append is made only if the log belongs to `writer` or was never claimed, and
        -1 is returned (nothing appended) if it belongs to another. So a worker frozen past its lease cannot
        write into a call another worker took over."""

    @abstractmethod
    async def log_close(self, log_id: str, retention: float) -> None:
        """Mark the log complete; it is deleted `retention` seconds later."""

    @abstractmethod
    async def log_read(self, log_id: str, after: int, timeout: float) -> LogRead:
        """Items with index > `after` that are still kept, waiting up to `timeout` s for one; whether the log
        is closed; and the index of the first item returned (past `after + 1` when older ones were not kept;
        `after + 1` when none came).

        An unknown log reads as LogRead([], True, after + 1).
        """

    # --- signals to every worker of the app (at most once: a worker that is down misses them) ---
    @abstractmethod
    async def publish(self, channel: str, message: Any) -> None:
        """Send a JSON-like message to every subscriber of `channel`, in this process and others."""

    @abstractmethod
    def subscribe(self, channel: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        """Call `handler(message)` for each message on `channel`; returns a function that unsubscribes."""

    # --- the call queue: concurrency limits and waiting lines that hold for every worker of the store ---
    @abstractmethod
    def queue(self, max_waiting: int, lease: float) -> Queue:
        """The queue of one app. `lease` (s): how long a worker's claim on a slot or a place in line lasts
        unless renewed; a worker that dies loses its claims that much later."""

    def use_app_secret(self, secret: str) -> None:
        """The app hands its `secret_key` over at start, for stores that sign what they keep."""

    async def close(self) -> None:
        """Release connections; called at shutdown."""
