"""The streams of one tunnel, the same on both ends: frames in order, and body bytes only within credit.

`Stream.next()` hands over the peer's frames one at a time and grants the peer more credit as DATA is taken,
so what waits in a stream's inbox is never more than the window. `Stream.send_data()` waits for credit
instead of queueing. `Multiplexer` routes incoming frames to their stream and serialises the writes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

from mountui.share import frames
from mountui.share.frames import Frame, Kind


class StreamReset(Exception):
    """The stream was abandoned (by either side, or because the tunnel closed); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Stream:
    def __init__(self, stream_id: int, mux: Multiplexer, window: int = frames.WINDOW) -> None:
        self.id = stream_id
        self.mux = mux
        self.window = window
        self.reset_reason: str | None = None
        self._credit = window  # body bytes the peer still accepts from us
        self._allowed = window  # body bytes we still accept from the peer
        self._consumed = 0  # taken from the inbox since the last CREDIT we sent
        self._inbox: deque[Frame] = deque()
        self._changed = asyncio.Event()

    @property
    def buffered(self) -> int:
        """Body bytes received and not yet taken: never more than the window."""
        return sum(len(frame.payload) for frame in self._inbox if frame.kind is Kind.DATA)

    # --- receiving, called by the multiplexer's reader (never blocks) ---
    def deliver(self, frame: Frame) -> None:
        if frame.kind is Kind.CREDIT:
            self._credit += frame.credit()
        elif frame.kind is Kind.RESET:
            self._mark_reset(frame.reason() or "reset by the other side")
        else:
            if frame.kind is Kind.DATA:
                if len(frame.payload) > self._allowed:
                    raise frames.FrameError(f"stream {self.id}: DATA beyond the credit granted")
                self._allowed -= len(frame.payload)
            self._inbox.append(frame)
        self._changed.set()

    def _mark_reset(self, reason: str) -> None:
        if self.reset_reason is None:
            self.reset_reason = reason
        self._changed.set()

    async def next(self) -> Frame:
        """The peer's next HEAD, RESPONSE, DATA or END frame; StreamReset once the stream is abandoned."""
        while True:
            if self.reset_reason is not None:
                raise StreamReset(self.reset_reason)
            if self._inbox:
                frame = self._inbox.popleft()
                if frame.kind is Kind.DATA:
                    await self._took(len(frame.payload))
                return frame
            self._changed.clear()
            await self._changed.wait()

    async def _took(self, size: int) -> None:
        self._consumed += size
        if self._consumed >= self.window // 2:
            amount, self._consumed = self._consumed, 0
            self._allowed += amount
            await self.mux.send(frames.credit(self.id, amount))

    async def wait_reset(self) -> str:
        while self.reset_reason is None:
            self._changed.clear()
            await self._changed.wait()
        return self.reset_reason

    # --- sending ---
    async def send_head(self, kind: Kind, value: dict) -> None:
        self._check()
        await self.mux.send(frames.head(self.id, kind, value))

    async def send_data(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            self._check()
            if self._credit <= 0:
                self._changed.clear()
                await self._changed.wait()
                continue
            size = min(len(view), self._credit, frames.MAX_DATA)
            self._credit -= size
            await self.mux.send(frames.encode(self.id, Kind.DATA, bytes(view[:size])))
            view = view[size:]

    async def send_end(self) -> None:
        self._check()
        await self.mux.send(frames.encode(self.id, Kind.END))

    async def reset(self, reason: str) -> None:
        """Abandon the stream, telling the peer, unless it is abandoned already."""
        if self.reset_reason is None:
            self._mark_reset(reason)
            await self.mux.send_quietly(frames.reset(self.id, reason))

    def _check(self) -> None:
        if self.reset_reason is not None:
            raise StreamReset(self.reset_reason)


class Multiplexer:
    """The streams of one tunnel. `send` writes one message to the WebSocket; writes never interleave."""

    def __init__(self, send: Callable[[bytes], Awaitable[None]], window: int = frames.WINDOW) -> None:
        self._send = send
        self._lock = asyncio.Lock()
        self.window = window
        self.streams: dict[int, Stream] = {}
        self.closed_reason: str | None = None

    async def send(self, message: bytes) -> None:
        if self.closed_reason is not None:
            raise StreamReset(self.closed_reason)
        async with self._lock:
            await self._send(message)

    async def send_quietly(self, message: bytes) -> None:
        try:
            await self.send(message)
        except Exception:  # the tunnel is gone: the peer has dropped the stream already
            return

    def open(self, stream_id: int) -> Stream:
        if stream_id in self.streams:
            raise frames.FrameError(f"stream {stream_id} is open already")
        stream = self.streams[stream_id] = Stream(stream_id, self, self.window)
        return stream

    def forget(self, stream: Stream) -> None:
        self.streams.pop(stream.id, None)

    def dispatch(self, frame: Frame) -> Stream | None:
        """Give `frame` to its stream; None for a stream this side has already finished (frames cross)."""
        stream = self.streams.get(frame.stream)
        if stream is not None:
            stream.deliver(frame)
        return stream

    def close(self, reason: str) -> None:
        """The tunnel is gone: every open stream is reset with `reason`."""
        self.closed_reason = reason
        for stream in list(self.streams.values()):
            stream._mark_reset(reason)
        self.streams.clear()
