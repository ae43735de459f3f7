"""A Server-Sent Events response: written from the request's own task, ended when the client leaves.

Framing comes from sse-starlette's `ServerSentEvent`; the loop is ours, on Starlette's public response API:
one extra task per stream, which waits for the client to disconnect. The source decides everything else
(heartbeats, the last event): it yields encoded events, and the stream ends when it does, or with a
`LastChunk`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

STREAM_HEADERS = {
    "Cache-Control": "no-cache, no-store, no-transform",
    "X-Accel-Buffering": "no",  # nginx: pass each event on as it comes
}


class LastChunk(bytes):
    """The stream's last bytes: sent together with the end of the response (one write, not two)."""


class EventStreamResponse(Response):
    media_type = "text/event-stream"

    def __init__(self, source: AsyncIterator[bytes], headers: Mapping[str, str] | None = None) -> None:
        # Like Starlette's StreamingResponse: no body, so no Content-Length.
        self.status_code = 200
        self.background = None
        self.init_headers({**STREAM_HEADERS, **(headers or {})})
        self.source = source

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = asyncio.current_task()
        assert writer is not None
        streaming = left = False

        async def watch() -> None:
            nonlocal left
            while (await receive())["type"] != "http.disconnect":
                pass
            left = True
            if streaming:
                # The writer is suspended inside the loop (this task runs only then): wake it wherever it
                # waits, on the source or on a send the client no longer reads.
                writer.cancel()

        watcher = asyncio.ensure_future(watch())
        watcher.add_done_callback(lambda task: task.cancelled() or task.exception())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            streaming = True
            last = b""
            async for chunk in self.source:
                if isinstance(chunk, LastChunk):
                    last = chunk
                    break
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            streaming = False
            await send({"type": "http.response.body", "body": bytes(last), "more_body": False})
        except asyncio.CancelledError:
            streaming = False
            if not left:
                raise  # cancelled from outside (the server stopping): not ours to swallow
            writer.uncancel()  # the client left: a normal end of this stream
        finally:
            streaming = False
            watcher.cancel()
            aclose = getattr(self.source, "aclose", None)
            if aclose is not None:
                await aclose()  # the source's `finally` runs now, whoever ended the stream
