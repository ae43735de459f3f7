"""One benchmark server on one uvicorn worker: a FastAPI host with mountui at /ui, Gradio at /gradio, or bare.

    python bench/_server.py mountui --port 8001 [--fn sync|async|block] [--limit default|none|N]
                                    [--max-queue-size N] [--event-retention S] [--profile FILE] [--tracemalloc]
                                    [--gc-stats]
    python bench/_server.py bare    --port 8002 [--fn sync|async]
    bench/.venv-gradio/bin/python bench/_server.py gradio --port 8003 [--fn sync|async|block] [--limit ...]

All serve the same string function: {"data": ["x"]} -> "Hello x!"
(mountui: POST /ui/api/greet; bare: POST /bare with a pydantic body model, or POST /bare_sse for the same answer
as one SSE `complete` event; gradio: a `gr.Interface` with api_name "greet", called through its HTTP API
`POST /gradio/gradio_api/call/greet` then `GET /gradio/gradio_api/call/greet/{event_id}`).
Each also serves `count`, an async generator of 20 items, one every `--gen-delay` seconds (mountui:
POST /ui/api/count, bare: POST /bare_count as SSE `output` events then `complete`, gradio: api_name "count").
`--fn block` (mountui and gradio) is an async function that waits until `POST /release`: it holds calls in the
queue. The gradio kind runs in Gradio's own venv (bench/.venv-gradio, made by `make bench`).
Diagnostics (read-only): GET /bench/stats (tasks, loop timers, mountui jobs and event logs, time spent in the
garbage collector by generation with --gc-stats; ?gc_objects=true counts all objects, ?types=20 the most common types)
and GET /bench/memtop?n=25&key=lineno|filename|package (top allocation sites, with --tracemalloc).
`--profile FILE` runs cProfile on the event-loop thread and writes the stats when the server stops (SIGINT).
MOUNTUI_BENCH_SRC=/some/dir makes the server import the mountui package found in that directory (to measure a
patched copy against this checkout).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, os.environ.get("MOUNTUI_BENCH_SRC") or str(Path(__file__).resolve().parent.parent))


class Body(BaseModel):
    data: list[str]


def greet(name: str) -> str:
    return "Hello " + name + "!"


async def agreet(name: str) -> str:
    return "Hello " + name + "!"


def _package(filename: str) -> str:
    """A file's top-level package (or stdlib module) for grouping allocations."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/mountui/" in filename:
        return "mountui"
    if "/lib/python3" in filename:
        rest = filename.split("/lib/python3", 1)[1].split("/", 1)[-1]
        return "stdlib:" + rest.split("/", 1)[0].removesuffix(".py")
    return filename


_GC = {"collections": [0, 0, 0], "seconds": [0.0, 0.0, 0.0], "started": 0.0}


def _gc_timer(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _GC["started"] = time.thread_time()
    else:
        generation = info["generation"]
        _GC["collections"][generation] += 1
        _GC["seconds"][generation] += time.thread_time() - _GC["started"]


def add_diagnostics(app: Any, gc_stats: bool = False) -> None:
    import gc

    if gc_stats:  # CPU time spent in the cyclic garbage collector, by generation (a little overhead)
        gc.callbacks.append(_gc_timer)

    @app.get("/bench/stats")
    async def stats(gc_objects: bool = False, types: int = 0) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        out: dict[str, Any] = {
            "tasks": len(asyncio.all_tasks()),
            "timers": len(getattr(loop, "_scheduled", [])),
        }
        out["gc_collections"] = list(_GC["collections"])
        out["gc_ms"] = [round(s * 1000, 1) for s in _GC["seconds"]]
        for route in app.router.routes:
            ui = getattr(route, "app", None)
            if hasattr(ui, "pipeline"):  # the mounted mountui app
                out["jobs"] = len(ui.pipeline.jobs)
                out["event_logs"] = len(getattr(ui.store, "_logs", {}))
        if gc_objects or types:
            objects = gc.get_objects()
            out["gc_objects"] = len(objects)
            if types:  # the most common types of GC-tracked objects, to see what grows
                import collections

                counts = collections.Counter(type(o).__qualname__ for o in objects)
                out["types"] = dict(counts.most_common(types))
            del objects
        return out

    @app.get("/bench/memtop")
    async def memtop(n: int = 25, key: str = "lineno") -> list[str]:
        import tracemalloc

        if not tracemalloc.is_tracing():
            return ["start the server with --tracemalloc"]
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        stats = snapshot.statistics("filename" if key == "package" else key)
        total = sum(s.size for s in stats)
        rows: list[tuple[int, int, str]] = []
        if key == "package":
            sums: dict[str, list[int]] = {}
            for s in stats:
                entry = sums.setdefault(_package(s.traceback[0].filename), [0, 0])
                entry[0] += s.size
                entry[1] += s.count
            rows = sorted(((size, count, name) for name, (size, count) in sums.items()), reverse=True)
        else:
            for s in stats:
                frame = s.traceback[0]
                where = frame.filename.split("site-packages/", 1)[-1]
                rows.append((s.size, s.count, where if key == "filename" else f"{where}:{frame.lineno}"))
        return [f"total {total / 1024:.0f} KiB"] + [
            f"{size / 1024:9.1f} KiB {count:8d} blocks  {name}" for size, count, name in rows[:n]
        ]


GEN_ITEMS = 20


def make_count(delay: float) -> Any:
    async def count(name: str) -> Any:  # the 20-item generator of the side-by-side run
        for i in range(GEN_ITEMS):
            await asyncio.sleep(delay)
            yield f"{name} {i + 1}"

    return count


def sse_event(event: str, data: Any) -> bytes:
    import json

    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def add_bare_streams(app: Any, delay: float, fn: str) -> None:
    """The SSE limit: one `complete` event (POST /bare_sse), the generator as SSE (POST /bare_count).

    With `--fn sync` the function runs in a worker thread, as FastAPI runs the `def` route of `POST /bare` and
    as mountui runs a `def` function; with `--fn async` it is called on the event loop, as an `async def`."""
    from fastapi.responses import StreamingResponse
    from starlette.concurrency import run_in_threadpool

    @app.post("/bare_sse")
    async def bare_sse(body: Body) -> StreamingResponse:
        text = await agreet(body.data[0]) if fn == "async" else await run_in_threadpool(greet, body.data[0])

        async def events() -> Any:
            yield sse_event("complete", {"data": [text]})

        return StreamingResponse(events(), media_type="text/event-stream")

    release = asyncio.Event()
    waiting = [0]

    @app.post("/bare_wait")
    async def bare_wait(body: Body) -> StreamingResponse:
        """A stream held open until `POST /release`: the bare cost of a waiting call (bench/waiting.py)."""
        waiting[0] += 1
        position = waiting[0]

        async def events() -> Any:
            yield sse_event("queued", {"position": position})
            await release.wait()
            yield sse_event("complete", {"data": [greet(body.data[0])]})

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/release")
    async def do_release() -> dict[str, bool]:
        release.set()
        return {"released": True}

    @app.post("/bare_count")
    async def bare_count(body: Body) -> StreamingResponse:
        async def events() -> Any:
            last = None
            async for last in make_count(delay)(body.data[0]):
                yield sse_event("output", {"data": [last]})
            yield sse_event("complete", {"data": [last]})

        return StreamingResponse(events(), media_type="text/event-stream")


def build_gradio(app: Any, fn: Any, limit: Any, delay: float) -> Any:
    import gradio as gr

    with gr.Blocks() as demo:  # two Interfaces rendered in one Blocks: the usual gr.Interface endpoints
        gr.Interface(fn, "text", "text", api_name="greet", concurrency_limit=limit)
        gr.Interface(make_count(delay), "text", "text", api_name="count", concurrency_limit=limit)
    return gr.mount_gradio_app(app, demo, path="/gradio")


def build(args: argparse.Namespace) -> Any:
    from fastapi import FastAPI

    app = FastAPI()
    add_diagnostics(app, args.gc_stats)

    if args.kind == "bare":
        add_bare_streams(app, args.gen_delay, args.fn)
        if args.fn == "async":

            @app.post("/bare")
            async def bare_async(body: Body) -> dict[str, Any]:
                return {"data": [greet(body.data[0])]}
        else:

            @app.post("/bare")
            def bare_sync(body: Body) -> dict[str, Any]:
                return {"data": [greet(body.data[0])]}

        return app

    release = asyncio.Event()

    async def block(name: str) -> str:
        await release.wait()
        return "Hello " + name + "!"

    @app.post("/release")
    async def do_release() -> dict[str, bool]:
        release.set()
        return {"released": True}

    fn = {"sync": greet, "async": agreet, "block": block}[args.fn]
    limit: Any = "default" if args.limit == "default" else None if args.limit == "none" else int(args.limit)
    if args.kind == "gradio":
        return build_gradio(app, fn, limit, args.gen_delay)

    import mountui

    def flood(spec: str) -> Any:  # "N:SIZE": N outputs of SIZE characters, as fast as they come
        count, size = (int(part) for part in spec.split(":"))
        for i in range(count):
            yield f"{i}:" + "x" * size

    with mountui.Blocks() as demo:
        name = mountui.Textbox(label="Name")
        out = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(fn, name, out, api_name="greet", concurrency_limit=limit)
        mountui.Button("Count").click(
            make_count(args.gen_delay), name, out, api_name="count", concurrency_limit=limit
        )
        mountui.Button("Flood").click(flood, name, out, api_name="flood", concurrency_limit=limit)
    settings: dict[str, Any] = {}
    if args.max_queue_size:
        settings["max_queue_size"] = args.max_queue_size
    if args.event_retention:
        settings["event_retention"] = args.event_retention
    if os.environ.get("BENCH_MOUNTUI_ALONE"):  # served alone, as `launch()` does (paths without /ui)
        from mountui.server.app import build_app

        ui = build_app(demo, **settings)

        async def alone(scope: Any, receive: Any, send: Any) -> None:  # the bench's own routes beside it
            bench = scope["type"] == "http" and scope["path"].startswith(("/bench/", "/release"))
            await (app if bench else ui)(scope, receive, send)

        return alone
    return mountui.mount_ui_app(app, demo, path="/ui", **settings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["mountui", "bare", "gradio"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fn", choices=["sync", "async", "block"], default="sync")
    parser.add_argument(
        "--limit", default="default", help="concurrency_limit of the listener: default|none|N"
    )
    parser.add_argument("--max-queue-size", type=int, default=0)
    parser.add_argument("--event-retention", type=float, default=0)
    parser.add_argument("--backlog", type=int, default=2048)
    parser.add_argument("--gen-delay", type=float, default=0.01, help="seconds between the generator's items")
    parser.add_argument("--profile", default=None)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--gc-stats", action="store_true", help="time the garbage collector (GET /bench/stats)"
    )
    args = parser.parse_args()

    import uvicorn

    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    app = build(args)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        backlog=args.backlog,
        timeout_keep_alive=60,
    )
    server = uvicorn.Server(config)
    if args.profile is None:
        server.run()
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        server.run()
    finally:
        profiler.disable()
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    import contextlib

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the SIGINT it handled, after shutdown
        main()
