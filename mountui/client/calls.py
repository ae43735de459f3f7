"""The state machine of one call, without any I/O: the request that opens (or resumes) its event stream,
what each event means, when to resume after a dropped connection, and what the caller has seen so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mountui.client.api_info import Endpoint
from mountui.client.errors import (
    ClientError,
    JobCancelledError,
    JobTimeoutError,
    connection_lost,
    error_for,
)
from mountui.client.protocol import Answer, Request
from mountui.client.sse import ServerEvent, SSEDecoder

SSE_HEADERS = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
MAX_RESUMES = 5
STREAM_ENDED = "the stream ended before the call did"
_SHOWN = ("queued", "started", "progress", "output", "complete", "error")


@dataclass(frozen=True)
class JobStatus:
    """Where a call is: `code` is pending, queued, running, finished, failed or cancelled."""

    code: str
    position: int | None = None
    progress: float | None = None
    index: int | None = None
    total: int | None = None
    desc: str | None = None
    unit: str | None = None

    @property
    def done(self) -> bool:
        return self.code in ("finished", "failed", "cancelled")


@dataclass(frozen=True)
class Update:
    """One event of a call: kind is queued, started, progress, output, complete or error."""

    kind: str
    output: Any = None
    status: JobStatus = field(default_factory=lambda: JobStatus("pending"))


class Call:
    """What the client knows of one call. A transport opens `open_request()`, feeds each line of the answer
    to `feed()`, hands each event to `apply()` and its shaped output to `record()`; when the stream breaks
    it waits `resume_delay()` seconds and opens again (with `Last-Event-ID`), until `done`.
    """

    def __init__(self, base_url: str, endpoint: Endpoint, data: list[Any]) -> None:
        self.endpoint = endpoint
        self._base_url = base_url
        self._data = data
        self._decoder = SSEDecoder()
        self._failures = 0
        self.event_id: str | None = None
        self.last_index = -1
        self.status = JobStatus("pending")
        self.final: list[Any] | None = None
        self.error: ClientError | None = None
        self.updates: list[Update] = []
        self.outputs: list[Any] = []
        self.result: Any = None
        self.finished = False  # no more updates will come (set by the transport when it stops following)

    @property
    def done(self) -> bool:
        return self.final is not None or self.error is not None

    # --- the stream ---
    def open_request(self) -> Request:
        """The first request starts the call; later ones resume its stream after the last event seen."""
        self._decoder = SSEDecoder()
        if self.event_id is None:
            url = f"{self._base_url}api/{self.endpoint.name}"
            return Request("POST", url, headers=dict(SSE_HEADERS), json={"data": self._data})
        last = {"Last-Event-ID": f"{self.event_id}:{self.last_index}"}
        return Request("GET", f"{self._base_url}api/events/{self.event_id}", headers={**SSE_HEADERS, **last})

    def opened(self, answer: Answer) -> None:
        """Raise the server's refusal (a validation error, a full queue...) if the stream did not open."""
        answer.check()

    def feed(self, line: str) -> ServerEvent | None:
        event = self._decoder.line(line)
        if event is not None:
            self._failures = 0  # the connection works again: a later drop gets a fresh set of retries
        return event

    def resume_delay(self, problem: str) -> float:
        """Seconds to wait before resuming a broken stream; raises when resuming is pointless or exhausted."""
        self._failures += 1
        # Without an event id there is nothing to resume: the call may not even have started.
        if self.event_id is None or self._failures > MAX_RESUMES:
            raise connection_lost(problem)
        return min(0.2 * 2**self._failures, 3.0)

    # --- the events ---
    def apply(self, event: ServerEvent) -> tuple[str, list[Any] | None] | None:
        """Take in one event; return (kind, wire data to shape or None) when the caller should see it."""
        data = event.data if isinstance(event.data, dict) else {}
        if event.id:
            prefix, _, number = event.id.rpartition(":")
            if number.isdigit() and (self.event_id is None or prefix == self.event_id):
                self.last_index = int(number)
        if data.get("event_id") and self.event_id is None:
            self.event_id = str(data["event_id"])
        kind, wire = event.event, None
        if kind == "queued":
            self.status = JobStatus("queued", position=data.get("position"))
        elif kind == "started":
            self.status = JobStatus("running")
        elif kind == "progress":
            self.status = JobStatus(
                "running",
                progress=data.get("progress"),
                index=data.get("index"),
                total=data.get("total"),
                desc=data.get("desc"),
                unit=data.get("unit"),
            )
        elif kind == "output":
            wire = list(data.get("data", []))
        elif kind == "complete":
            self.final = wire = list(data.get("data", []))
            self.status = JobStatus("finished", progress=1.0)
        elif kind == "error":
            code = str(data.get("code", "error"))
            self.error = error_for(code, str(data.get("message", "the call failed")), 200)
            self.status = JobStatus("cancelled" if code == "cancelled" else "failed")
        if kind not in _SHOWN:
            return None
        return kind, wire

    def record(self, kind: str, output: Any) -> None:
        """Keep an applied event, its output shaped for Python (files downloaded), for the caller."""
        if kind == "output":
            self.outputs.append(output)
        elif kind == "complete":
            self.result = output
        self.updates.append(Update(kind, output, self.status))

    def fail(self, error: ClientError) -> None:
        if not self.done:
            self.error = error
            self.status = JobStatus("cancelled" if isinstance(error, JobCancelledError) else "failed")

    # --- what the caller gets ---
    def has_update(self, index: int) -> bool:
        """Whether a reader waiting for update number `index` can stop waiting (it came, or none will)."""
        return index < len(self.updates) or self.finished

    def outcome(self) -> Any:
        """The result of a finished call, or the reason it failed."""
        if self.error is not None:
            raise self.error
        return self.result

    def timed_out(self, timeout: float | None) -> JobTimeoutError:
        return JobTimeoutError(f"{self.endpoint.name} did not finish within {timeout} s", code="timeout")

    @staticmethod
    def iterated(update: Update, streamed: bool) -> bool:
        """Iterating a job yields each partial result, or the final one alone for a plain function."""
        return update.kind == "output" or (update.kind == "complete" and not streamed)

    def iteration_error(self) -> ClientError | None:
        """What ends an iteration with an exception: any failure but a cancel (the caller asked for it)."""
        return None if isinstance(self.error, JobCancelledError) else self.error

    def cancel_request(self) -> Request | None:
        """The request that stops the call, or None if it has ended or has not said its event id yet."""
        if self.finished or self.event_id is None:
            return None
        return Request("DELETE", f"{self._base_url}api/events/{self.event_id}")
