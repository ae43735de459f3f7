"""What the pipeline reports about calls as they happen, for whoever watches (`metrics=True`).

`CallObserver` itself ignores everything: an app without metrics pays one empty method call per report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mountui.events import Dependency
    from mountui.server.jobs import Job


class CallObserver:
    __slots__ = ()

    def queued(self, job: Job) -> None:
        """The call waits in the queue (its endpoint's concurrency limit is reached)."""

    def started(self, job: Job) -> None:
        """The call's function starts (straight away, or after waiting since `job.queued_at`)."""

    def finished(self, job: Job, outcome: tuple[str, dict[str, Any]]) -> None:
        """The call ended: ("complete", ...) or ("error", {"code": ...}); it may never have started."""

    def rate_limited(self, dep: Dependency) -> None:
        """A call was refused by a rate limit."""

    def stream_opened(self) -> None: ...

    def stream_closed(self) -> None: ...
