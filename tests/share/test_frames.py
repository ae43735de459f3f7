"""The tunnel's framing and flow control, in process: what crosses the WebSocket, and when a sender waits."""

from __future__ import annotations

import asyncio

import pytest

from mountui.share import frames
from mountui.share.frames import Frame, FrameError, Kind
from mountui.share.streams import Multiplexer, StreamReset


def test_a_frame_is_stream_id_kind_and_payload():
    message = frames.encode(7, Kind.DATA, b"hello")
    assert message == b"\x00\x00\x00\x07\x03hello"
    assert frames.decode(message) == Frame(7, Kind.DATA, b"hello")


def test_heads_are_json_and_credit_is_a_count():
    head = frames.decode(frames.head(1, Kind.RESPONSE, {"status": 200, "headers": [["a", "b"]]}))
    assert head.json() == {"status": 200, "headers": [["a", "b"]]}
    assert frames.decode(frames.credit(3, 65536)).credit() == 65536
    assert frames.decode(frames.reset(3, "gone")).reason() == "gone"


@pytest.mark.parametrize(
    "message",
    [
        b"",
        b"\x00\x00\x00\x01",
        b"\x00\x00\x00\x01\x09",
        "text",
        frames.encode(1, Kind.DATA, b"x" * (frames.MAX_DATA + 1)),
    ],
)
def test_what_is_no_frame_is_refused(message):
    with pytest.raises(FrameError):
        frames.decode(message)


def test_headers_with_line_breaks_are_refused():
    assert frames.headers_from_wire([["X-A", "1"]]) == [(b"x-a", b"1")]
    with pytest.raises(FrameError):
        frames.headers_from_wire([["x-a", "1\r\nset-cookie: evil=1"]])
    with pytest.raises(FrameError):
        frames.headers_from_wire([["x-a"]])


def pair(window: int) -> tuple[Multiplexer, Multiplexer]:
    """Two multiplexers wired back to back, as the relay and the app are over a WebSocket."""
    left: Multiplexer
    right: Multiplexer

    async def to_right(message: bytes) -> None:
        frame = frames.decode(message)
        if frame.stream not in right.streams and frame.kind is not Kind.CREDIT:
            right.open(frame.stream)
        right.dispatch(frame)

    async def to_left(message: bytes) -> None:
        left.dispatch(frames.decode(message))

    left, right = Multiplexer(to_right, window), Multiplexer(to_left, window)
    return left, right


def test_a_sender_waits_for_credit_and_a_slow_reader_holds_back_only_its_own_stream():
    async def scenario() -> None:
        relay, app = pair(window=1000)
        slow, fast = relay.open(1), relay.open(2)
        sending = asyncio.create_task(slow.send_data(b"s" * 5000))
        await asyncio.sleep(0.05)
        assert not sending.done()  # 1000 bytes of credit, and nobody reads stream 1
        assert app.streams[1].buffered == 1000  # buffered: one window, no more

        fast_sending = asyncio.create_task(fast.send_data(b"f" * 3000))
        await asyncio.sleep(0.01)
        received = b""
        while len(received) < 3000:  # stream 2's reader keeps up: its sender is never stuck
            received += (await app.streams[2].next()).payload
        await fast_sending
        assert received == b"f" * 3000 and not sending.done()

        taken = b""
        while len(taken) < 5000:
            taken += (await app.streams[1].next()).payload
        await sending
        assert taken == b"s" * 5000

    asyncio.run(scenario())


def test_data_beyond_the_credit_granted_is_a_protocol_error():
    async def scenario() -> None:
        _, app = pair(window=100)
        stream = app.open(1)
        stream.deliver(Frame(1, Kind.DATA, b"x" * 100))
        with pytest.raises(FrameError):
            stream.deliver(Frame(1, Kind.DATA, b"x"))

    asyncio.run(scenario())


def test_a_reset_wakes_a_waiting_sender_and_reader():
    async def scenario() -> None:
        relay, app = pair(window=10)
        stream = relay.open(1)
        sending = asyncio.create_task(stream.send_data(b"x" * 100))
        reading = asyncio.create_task(stream.next())
        await asyncio.sleep(0.01)
        await app.streams[1].reset("the visitor disconnected")
        for task in (sending, reading):
            with pytest.raises(StreamReset, match="visitor disconnected"):
                await task

    asyncio.run(scenario())


def test_closing_the_tunnel_resets_every_stream():
    async def scenario() -> None:
        relay, _ = pair(window=10)
        streams = [relay.open(n) for n in (1, 2, 3)]
        relay.close("the tunnel closed")
        assert all(s.reset_reason == "the tunnel closed" for s in streams) and relay.streams == {}
        with pytest.raises(StreamReset):
            await streams[0].send_end()

    asyncio.run(scenario())
