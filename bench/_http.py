"""A small keep-alive HTTP/1.1 client on asyncio streams, for the calls `wrk` cannot make.

    python bench/_http.py load --port P --api gradio|post --path PATH [--sse] --connections N --seconds S
    python bench/_http.py gen  --port P --api gradio|post --path PATH --clients N --rounds R

`wrk` sends one request per call. Gradio's documented HTTP API needs two per call: `POST .../call/{api_name}`
answers `{"event_id"}`, then `GET .../call/{api_name}/{event_id}` streams the result as SSE (`generating`
events, then `complete`). `--api gradio` makes that two-step call on one keep-alive connection per client;
`--api post` makes one POST (`--sse`: `Accept: text/event-stream`, read until the stream ends).

`load`: N clients call back to back for S seconds (a closed loop, like wrk); prints one `JSON {...}` line with
wrk's summary fields (requests = completed calls, errors, p50_us, p99_us of the whole call) and the client's CPU.
`gen`: N clients each make R calls of the generator endpoint; prints `JSON {...}` with the time from sending the
call to its first item and to `complete` (the last item), per call, in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

BODY = b'{"data": ["world"]}'
ITEM_EVENTS = (b"output", b"generating")


class Conn:
    """One keep-alive connection: send a request, then read the answer whole or as SSE events."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, method: str, path: str, body: bytes = b"", accept: str = "application/json") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept: {accept}\r\n"
        if method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        assert self.reader is not None
        status = int((await self.reader.readline()).split()[1])
        self.length, self.chunked, self.close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                self.length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                self.chunked = True
            elif name == "connection" and value == "close":
                self.close = True
        return status

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (chunked, Content-Length or until EOF)."""
        assert self.reader is not None
        if self.chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                yield await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
        elif self.length is not None:
            yield await self.reader.readexactly(self.length)
        else:
            while data := await self.reader.read(65536):
                yield data
            self.close = True
        if self.close:
            self.shut()

    async def body(self) -> bytes:
        return b"".join([c async for c in self.chunks()])

    async def events(self) -> AsyncIterator[bytes]:
        """SSE event names as they arrive (the stream is read to its end)."""
        buffer = b""
        async for chunk in self.chunks():
            buffer += chunk
            *blocks, buffer = buffer.replace(b"\r\n", b"\n").split(b"\n\n")
            for block in blocks:
                for line in block.split(b"\n"):
                    if line.startswith(b"event:"):
                        yield line[6:].strip()

    def shut(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def call(conn: Conn, api: str, path: str, sse: bool) -> AsyncIterator[bytes]:
    """One call; yields its SSE event names (a JSON answer yields b"complete")."""
    if api == "gradio":
        if await conn.send("POST", path, BODY) != 200:
            raise RuntimeError("POST of the two-step call failed")
        event_id = json.loads(await conn.body())["event_id"]
        if await conn.send("GET", f"{path}/{event_id}", accept="text/event-stream") != 200:
            raise RuntimeError("GET of the two-step call failed")
        async for event in conn.events():
            yield event
        return
    accept = "text/event-stream" if sse else "application/json"
    if await conn.send("POST", path, BODY, accept) != 200:
        raise RuntimeError(f"POST {path} failed")
    if sse:
        async for event in conn.events():
            yield event
    else:
        await conn.body()
        yield b"complete"


async def load(args: argparse.Namespace) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    start = time.monotonic()
    stop_at = start + args.seconds

    async def client() -> None:
        nonlocal errors
        conn = Conn(args.port)
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                events = [e async for e in call(conn, args.api, args.path, args.sse)]
                if events[-1:] != [b"complete"]:
                    raise RuntimeError(f"no complete event: {events}")
                latencies.append(time.perf_counter() - t0)
            except Exception:
                errors += 1
                conn.shut()
        conn.shut()

    cpu0 = time.process_time()
    await asyncio.gather(*(client() for _ in range(args.connections)))
    duration = time.monotonic() - start
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0  # noqa: E731
    return {
        "requests": len(latencies),
        "duration_us": int(duration * 1e6),
        "connect": 0,
        "read": 0,
        "write": 0,
        "status": 0,
        "timeout": errors,
        "p50_us": int(pick(0.5) * 1e6),
        "p99_us": int(pick(0.99) * 1e6),
        "client_cpu_pct": round((time.process_time() - cpu0) / duration * 100, 1),
    }


async def gen(args: argparse.Namespace) -> dict[str, Any]:
    first: list[float] = []
    last: list[float] = []
    items: list[int] = []

    async def client() -> None:
        conn = Conn(args.port)
        for _ in range(args.rounds):
            t0, seen, got_first = time.perf_counter(), 0, None
            async for event in call(conn, args.api, args.path, True):
                if event in ITEM_EVENTS:
                    seen += 1
                    got_first = got_first or time.perf_counter() - t0
                elif event == b"complete":
                    last.append(time.perf_counter() - t0)
            first.append(got_first or float("nan"))
            items.append(seen)
        conn.shut()

    await asyncio.gather(*(client() for _ in range(args.clients)))
    ms = lambda xs, f: round(f(xs) * 1000, 1)  # noqa: E731
    return {
        "calls": len(last),
        "items_min": min(items),
        "first_ms_p50": ms(first, statistics.median),
        "first_ms_max": ms(first, max),
        "last_ms_p50": ms(last, statistics.median),
        "last_ms_max": ms(last, max),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["load", "gen"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", choices=["gradio", "post"], default="post")
    parser.add_argument("--path", required=True)
    parser.add_argument("--sse", action="store_true")
    parser.add_argument("--connections", "--clients", dest="connections", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.clients = args.connections
    out = asyncio.run(load(args) if args.mode == "load" else gen(args))
    print("JSON " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
