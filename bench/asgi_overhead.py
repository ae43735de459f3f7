"""Framework CPU per call without the network: the ASGI apps of bench/_server.py called in-process.

    python bench/asgi_overhead.py [--calls 3000] [--concurrency 1,64] [--fn sync|async] [--repeat 3]

uvicorn, h11 and the sockets are left out, so what remains is the cost of FastAPI + mountui (or of FastAPI
alone for the bare endpoint) per call, measured with process CPU time (all threads) over `--calls` calls, with
`--concurrency` calls in flight at once. Less noisy than call_overhead.py, so it is the quick check for a
hot-path patch: MOUNTUI_BENCH_SRC=/dir/with/patched/mountui python bench/asgi_overhead.py (see ab.py).
Prints microseconds per call (median of --repeat runs); writes bench/results/asgi_overhead.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from _common import ROOT, table, write_result
from _server import build

BODY = b'{"data": ["world"]}'


def make_scope(path: str, accept: bytes = b"application/json") -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"accept", accept),
            (b"content-length", str(len(BODY)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def one_call(app: Any, path: str, accept: bytes = b"application/json") -> int:
    """One request through the ASGI app, answering `receive` like uvicorn does; returns the status."""
    sent_body = False
    finished = asyncio.Event()
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": BODY, "more_body": False}
        await finished.wait()  # uvicorn answers http.disconnect once the response is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            finished.set()

    await app(make_scope(path, accept), receive, send)
    return status


async def measure(app: Any, path: str, calls: int, concurrency: int, accept: bytes) -> float:
    """CPU microseconds per call (process time: the event loop and the worker threads)."""
    sem = asyncio.Semaphore(concurrency)

    async def guarded() -> int:
        async with sem:
            return await one_call(app, path, accept)

    for _ in range(200):  # warm-up: caches, worker threads, lazy start-up
        assert await one_call(app, path, accept) == 200
    cpu0 = time.process_time()
    statuses = await asyncio.gather(*(guarded() for _ in range(calls)))
    cpu = time.process_time() - cpu0
    bad = sum(1 for s in statuses if s != 200)
    if bad:
        raise SystemExit(f"{bad} calls to {path} did not answer 200")
    return cpu / calls * 1e6


def run(
    kind: str, limit: str, fn: str, calls: int, concurrency: list[int], repeat: int, sse: bool = False
) -> list[dict[str, Any]]:
    args = argparse.Namespace(
        kind=kind,
        fn=fn,
        limit=limit,
        max_queue_size=max(concurrency) + 10,
        event_retention=0,
        gc_stats=False,
        gen_delay=0.01,
    )
    app = build(args)
    path = ("/bare_sse" if sse else "/bare") if kind == "bare" else "/ui/api/greet"
    accept = b"text/event-stream" if sse else b"application/json"

    async def main() -> list[dict[str, Any]]:
        rows = []
        for c in concurrency:
            samples = [await measure(app, path, calls, c, accept) for _ in range(repeat)]
            rows.append(
                {
                    "concurrency": c,
                    "us_per_call": round(statistics.median(samples), 1),
                    "min": round(min(samples), 1),
                    "max": round(max(samples), 1),
                }
            )
        return rows

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", default="1,64")
    parser.add_argument("--fn", choices=["sync", "async"], default="sync")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["bare", "mountui", "mountui-none"], default=None)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON only (for ab.py)")
    parser.add_argument("--sse", action="store_true", help="streamed calls (bare: POST /bare_sse)")
    args = parser.parse_args()
    concurrency = [int(c) for c in args.concurrency.split(",")]
    configs = [
        ("bare", "bare", "default"),
        ("mountui (limit 1)", "mountui", "default"),
        ("mountui (no limit)", "mountui", "none"),
    ]
    if args.only:
        configs = [
            c
            for c in configs
            if {"bare": "bare", "mountui": "mountui (limit 1)", "mountui-none": "mountui (no limit)"}[
                args.only
            ]
            == c[0]
        ]
    rows = []
    for label, kind, limit in configs:
        for r in run(kind, limit, args.fn, args.calls, concurrency, args.repeat, args.sse):
            rows.append({"app": label, **r})
    if args.json:
        print(json.dumps(rows))
        return
    bare = {r["concurrency"]: r["us_per_call"] for r in rows if r["app"] == "bare"}
    for r in rows:
        if r["concurrency"] in bare:
            r["vs_bare"] = f"{r['us_per_call'] / bare[r['concurrency']]:.2f}x"
    print(f"in-process ASGI calls ({args.fn} function), CPU us per call, median of {args.repeat}")
    print(table(rows, ["app", "concurrency", "us_per_call", "min", "max", "vs_bare"]))
    path = write_result(f"asgi_overhead_{args.fn}", {"calls": args.calls, "rows": rows})
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
