"""Event streams through a real server: heartbeats, a reader that stalls, resuming, and what the log keeps."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from support.sse import parse_sse, stream_call

import mountui
from mountui.server.call_log import decoded
from mountui.server.jobs import CANCELLED

BIG = "x" * 20_000  # each output carries the whole value, as a growing chat reply would


def only_log(app: Any) -> tuple[list[Any], bool]:
    """The one call's event log in the app's memory store, open or closed: its items, and whether closed."""
    if app.store._logs:
        (log,) = app.store._logs.values()
        return list(log.items), False
    (kept,) = app.store._closed_logs.values()
    return list(kept[0]), True


def raw_stream_request(base: str, path: str, body: dict) -> socket.socket:
    """Open a streamed call on a plain socket, so the test decides when (and whether) to read."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port))
    payload = orjson.dumps(body)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: text/event-stream\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
        + payload
    )
    return sock


def read_all(sock: socket.socket) -> str:
    chunks = []
    sock.settimeout(30)
    while chunk := sock.recv(1 << 16):
        chunks.append(chunk)
        if b"event: complete" in chunk or b"event: error" in chunk:
            break
    return b"".join(chunks).decode()


def events_in(raw: str) -> list[dict]:
    body = raw.split("\r\n\r\n", 1)[1]
    # Chunked transfer: keep only SSE lines (chunk sizes are bare hex numbers).
    lines = [line for line in body.replace("\r\n", "\n").split("\n")]
    sse = [line for line in lines if ":" in line or line == ""]
    return list(parse_sse(iter(sse)))


def test_a_silent_call_sends_heartbeats(live, http):
    release = threading.Event()

    def wait_for_release(x: str) -> str:
        release.wait(10)
        return "done"

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(wait_for_release, box, box, api_name="wait")
    base = live(demo, heartbeat_interval=0.2)
    with http.stream(
        "POST", f"{base}/api/wait", json={"data": ["x"]}, headers={"Accept": "text/event-stream"}
    ) as response:
        lines = response.iter_lines()
        seen = []
        for line in lines:
            seen.append(line)
            if seen.count(": ping") == 2:
                release.set()
            if line.startswith("event: complete"):
                break
    assert seen.count(": ping") >= 2
    assert "event: complete" in seen


def test_a_stalled_reader_costs_a_bounded_log_and_gets_the_latest_output(live_app):
    produced = threading.Event()

    def fast(n: float):
        for i in range(int(n)):
            yield f"{i}:{BIG}"
        produced.set()

    with mountui.Blocks() as demo:
        count, text = mountui.Number(), mountui.Textbox()
        mountui.Button().click(fast, count, text, api_name="fast")
    base, app = live_app(demo, event_log_max_events=20)
    sock = raw_stream_request(base, "/api/fast", {"data": [3000]})
    try:
        # 3,000 outputs of 20 KB (60 MB) while the reader reads nothing: the generator runs to its end ...
        assert produced.wait(30)
        items, _closed = only_log(app)
        assert len(items) <= 20
        # ... and when the reader comes back it gets the latest state and the end, not 60 MB of history.
        events = events_in(read_all(sock))
    finally:
        sock.close()
    names = [e["event"] for e in events]
    assert names[0] == "started" and names[-1] == "complete"
    assert events[-1]["data"] == {"data": [f"2999:{BIG}"]}
    # What was already in the socket buffers when the reader stalled, then the kept tail: not all 3,000.
    assert names.count("output") < 1000
    numbers = [int(e["id"].rsplit(":", 1)[1]) for e in events]
    assert numbers == sorted(numbers) and numbers[-1] == 3001  # ids still count every event


def test_a_reader_that_keeps_up_gets_every_output(live, http):
    def steps(n: float):
        for i in range(int(n)):
            yield f"step {i}"

    with mountui.Blocks() as demo:
        count, text = mountui.Number(), mountui.Textbox()
        mountui.Button().click(steps, count, text, api_name="steps")
    base = live(demo)
    events = stream_call(http, f"{base}/api/steps", [10])
    assert [e["data"]["data"][0] for e in events if e["event"] == "output"] == [
        f"step {i}" for i in range(10)
    ]


@pytest.mark.parametrize("kept", [5])
def test_resuming_before_what_the_log_keeps_is_a_clear_error(live, http, kept):
    def many(n: float):
        yield from (str(i) for i in range(int(n)))

    with mountui.Blocks() as demo:
        count, text = mountui.Number(), mountui.Textbox()
        mountui.Button().click(many, count, text, api_name="many")
    base = live(demo, event_log_max_events=kept)
    events = stream_call(http, f"{base}/api/many", [30])
    event_id = events[0]["data"]["event_id"]
    late = http.get(f"{base}/api/events/{event_id}", headers={"Last-Event-ID": f"{event_id}:28"})
    assert late.status_code == 200 and "event: complete" in late.text  # inside what is kept
    early = http.get(f"{base}/api/events/{event_id}", headers={"Last-Event-ID": f"{event_id}:3"})
    assert early.status_code == 410
    assert early.json()["error"]["code"] == "resume_too_old"
    assert "keeps only its latest events" in early.json()["error"]["message"]


def test_large_outputs_are_kept_up_to_the_byte_bound_of_the_log(live, http):
    def big(n: float):
        yield from ("x" * 10_000 + str(i) for i in range(int(n)))

    with mountui.Blocks() as demo:
        count, text = mountui.Number(), mountui.Textbox()
        mountui.Button().click(big, count, text, api_name="big")
    base = live(demo, event_log_max_bytes=50_000)  # five outputs of 10 KB
    events = stream_call(http, f"{base}/api/big", [30])
    event_id = events[0]["data"]["event_id"]
    assert events[-1]["event"] == "complete" and events[-1]["data"]["data"][0].endswith("29")
    kept = http.get(f"{base}/api/events/{event_id}", headers={"Last-Event-ID": f"{event_id}:27"})
    assert kept.status_code == 200 and kept.text.count("event: output") == 3  # indexes 28-30, then complete
    gone = http.get(f"{base}/api/events/{event_id}", headers={"Last-Event-ID": f"{event_id}:20"})
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "resume_too_old"


def test_a_reader_that_leaves_ends_its_stream_and_the_server_keeps_serving(live_app, http):
    def forever(x: str):
        while True:
            time.sleep(0.01)
            yield x

    with mountui.Blocks() as demo:
        box = mountui.Textbox()
        mountui.Button().click(forever, box, box, api_name="forever")
    base, app = live_app(demo, resume_grace=0)
    sock = raw_stream_request(base, "/api/forever", {"data": ["x"]})
    sock.recv(4096)
    sock.close()
    deadline = time.monotonic() + 10
    while app.pipeline.jobs and time.monotonic() < deadline:  # a call leaves `jobs` when it has finished
        time.sleep(0.05)
    assert not app.pipeline.jobs
    items, closed = only_log(app)
    assert closed and decoded(items[-1]) == ("error", CANCELLED[1])
    assert http.get(f"{base}/healthz").status_code == 200
