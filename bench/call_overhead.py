"""Server CPU per trivial call: mountui's `POST /ui/api/greet` against a bare FastAPI endpoint.

    python bench/call_overhead.py [--seconds 4] [--connections 1,16,64,256] [--fn sync|async]

Each server runs in its own process on one uvicorn worker (bench/_server.py, a free loopback port); `wrk`
(Debian package `wrk`) with bench/post_json.lua sends the JSON POST on N keep-alive connections. The server's
CPU time (utime + stime of all its threads, /proc/<pid>/stat) before and after each run, divided by the
completed requests, is the CPU cost per call. Compared:

- bare:                FastAPI `@app.post("/bare")` with a pydantic body model, same string function
- mountui (limit 1):   the listener with the default concurrency limit (1: calls of the endpoint run one by one,
                       the others wait in mountui's queue)
- mountui (no limit):  the listener with `concurrency_limit=None`
- mountui SSE:         the same, but each call asks for the SSE answer (`Accept: text/event-stream`, what the
                       browser page sends): `started` and `complete` events, then the stream ends

With `--fn sync` (default) the function is a plain `def` on both sides (a worker thread per call on both);
`--fn async` uses `async def` on both. Writes bench/results/call_overhead_<fn>.json.
"""

from __future__ import annotations

import argparse
import json

from _common import ROOT, measured_run, post_json, require_wrk, run_wrk, server, settle, table, write_result

EXPECTED = {"data": ["Hello world!"]}
JSON, SSE = "application/json", "text/event-stream"


def check_answer(port: int, path: str, accept: str) -> None:
    answer = post_json(port, path, accept=accept)
    if accept == SSE:
        ok = b"event: complete" in answer and b'"Hello world!"' in answer
    else:
        ok = json.loads(answer) == EXPECTED
    if not ok:
        raise SystemExit(f"unexpected answer from {path}: {answer!r}")


def measure(
    port: int, pid: int, path: str, connections: list[int], seconds: float, accept: str
) -> list[dict[str, object]]:
    url = f"http://127.0.0.1:{port}{path}"
    check_answer(port, path, accept)
    run_wrk(url, 16, 2, accept=accept)  # warm-up: worker threads, caches
    settle(pid)
    rows = []
    for conns in connections:
        rows.append(measured_run(pid, conns, lambda c=conns: run_wrk(url, c, seconds, accept=accept)))
        print(f"  {path} c={conns}: {rows[-1]}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--connections", default="1,16,64,256")
    parser.add_argument("--fn", choices=["sync", "async"], default="sync")
    parser.add_argument("--skip-sse", action="store_true", help="leave out the SSE calls")
    parser.add_argument("--only-mountui-none", action="store_true", help=argparse.SUPPRESS)  # for ab.py
    parser.add_argument("--sse-only", action="store_true", help=argparse.SUPPRESS)  # for ab.py
    args = parser.parse_args()
    require_wrk()
    connections = [int(c) for c in args.connections.split(",")]

    configs = [
        ("bare", "bare", "/bare", [], JSON),
        ("mountui (limit 1)", "mountui", "/ui/api/greet", [], JSON),
        ("mountui (no limit)", "mountui", "/ui/api/greet", ["--limit", "none"], JSON),
        ("mountui SSE (no limit)", "mountui", "/ui/api/greet", ["--limit", "none"], SSE),
    ]
    if args.skip_sse:
        configs.pop()
    if args.only_mountui_none:  # ab.py: one configuration, no bare reference
        configs = [
            c
            for c in configs
            if c[0] == ("mountui SSE (no limit)" if args.sse_only else "mountui (no limit)")
        ]
    results: dict[str, list[dict[str, object]]] = {}
    for label, kind, path, extra, accept in configs:
        print(f"{label}:", flush=True)
        with server(kind, "--fn", args.fn, *extra) as (port, proc):
            results[label] = measure(port, proc.pid, path, connections, args.seconds, accept)

    rows = []
    bare = {r["connections"]: r for r in results.get("bare", [])}
    for label, runs in results.items():
        for r in runs:
            base = bare[r["connections"]]["cpu_ms_per_call"] if bare else None
            ratio = r["cpu_ms_per_call"] / base if base and r["cpu_ms_per_call"] else None
            rows.append({"server": label, **r, "vs_bare": f"{ratio:.2f}x" if ratio else ""})
    print(f"\nserver CPU per call, function: {args.fn} def, {args.seconds:g} s per run")
    print(
        table(
            rows,
            [
                "server",
                "connections",
                "requests",
                "req_per_s",
                "errors",
                "cpu_ms_per_call",
                "vs_bare",
                "cpu_util",
                "p50_ms",
                "p99_ms",
            ],
        )
    )
    path = write_result(f"call_overhead_{args.fn}", {"fn": args.fn, "seconds": args.seconds, "rows": rows})
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
