"""The event stream of one call, read from the store's log: what `POST P/api/...` (streamed) and
`GET P/api/events/{id}` send.

A reader that keeps up gets every event. One that falls behind (a stalled tab, a slow link) is given the
latest `output` and `progress` instead of every one in between: both carry whole values, so it loses only
intermediate states; and the server keeps at most the log's last `event_log_max_events` events per call,
however slow the reader.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from sse_starlette import ServerSentEvent

from mountui.http.event_stream import LastChunk
from mountui.server.call_log import LoggedEvent

if TYPE_CHECKING:
    from mountui.server.jobs import Job, RemoteJob
    from mountui.server.pipeline import Pipeline

# Events a later one of the same name makes stale.
SUPERSEDED = frozenset({"output", "progress"})
# A reader with more events than this waiting for it is behind: it gets the latest of a run, not each one.
BEHIND = 16
PING = ServerSentEvent(comment="ping").encode()


def coalesce(items: Sequence[Any], first: int) -> list[tuple[int, Any]]:
    """(index, item) for each item worth sending: of a run of outputs (or progress updates), the last."""
    kept: list[tuple[int, Any]] = []
    for offset, item in enumerate(items):
        if kept and item[0] in SUPERSEDED and kept[-1][1][0] == item[0]:
            kept[-1] = (first + offset, item)
        else:
            kept.append((first + offset, item))
    return kept


def encode(event_id: str, index: int, item: LoggedEvent) -> bytes:
    name, payload = item  # the data, encoded when it was logged
    return ServerSentEvent(data=payload, event=name, id=f"{event_id}:{index}").encode()


async def call_events(
    pipeline: Pipeline, job: Job | RemoteJob, after: int, heartbeat: float
) -> AsyncIterator[bytes]:
    """Events after index `after`, live until the call's log closes; a comment every `heartbeat` seconds
    of silence keeps proxies from timing the stream out."""
    store = pipeline.store
    index = after
    pipeline.attach(job)
    try:
        while True:
            read = await store.log_read(job.event_id, index, timeout=heartbeat)
            if read.items:
                if len(read.items) > BEHIND:
                    batch = coalesce(read.items, read.first)
                else:
                    batch = list(enumerate(read.items, read.first))
                # One write per batch; the call's last batch goes out with the end of the response.
                chunk = b"".join(encode(job.event_id, n, item) for n, item in batch)
                if read.closed:
                    yield LastChunk(chunk)
                    return
                yield chunk
                index = read.first + len(read.items) - 1
            elif read.closed:
                return
            else:
                yield PING
    finally:
        pipeline.detach(job)
