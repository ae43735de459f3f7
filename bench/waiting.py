"""10,000 calls waiting at once: each gets its `queued` event, the server holds them, all complete on release.

    python bench/waiting.py [--calls 10000] [--clients 4] [--hold 10]

The server (bench/_server.py mountui --fn block) has one endpoint with the default concurrency limit (1) whose
async function waits until `POST /release`. One "blocker" call takes the slot; then `--clients` client
processes open `--calls` SSE calls between them (raw asyncio sockets, `Accept: text/event-stream`), so all of
them wait in the queue (the default `max_queue_size` is 10,000). Checked and reported:
  - how many calls got a `queued` event, and with distinct positions,
  - the server's RSS per waiting call and its CPU use while holding them for `--hold` seconds,
  - after release: how many calls got `complete`, and how long the queue took to drain.
The soft limit on open files is raised to the hard limit (resource.setrlimit), for this process and the
server and client processes it starts. Everything is on loopback and ends by itself (`--timeout`).
`--server bare`: a bare FastAPI endpoint holding a StreamingResponse open (the limit on the same stack);
`--alone`: mountui served alone (no host app), as `launch()` serves it.
Writes bench/results/waiting.json (`--server gradio`: waiting_gradio.json, the same against Gradio through its
documented HTTP API: `POST .../gradio_api/call/greet` gives an event id, then `GET .../greet/{event_id}` opens
the SSE stream, on one connection; it carries no queue position: a call waits once the stream's headers came).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any

from _common import ROOT, cpu_seconds, post_json, rss_kib, server, settle, table, write_result

PATH = "/ui/api/greet"  # `--alone`: "/api/greet"
BARE_PATH = "/bare_wait"  # `--server bare`: a FastAPI endpoint holding a StreamingResponse open
GRADIO_PATH = "/gradio/gradio_api/call/greet"


def call_path(kind: str) -> str:
    if kind == "bare":
        return BARE_PATH
    return "/api/greet" if os.environ.get("BENCH_MOUNTUI_ALONE") else PATH


def request_bytes(port: int, name: str, path: str = PATH, close: bool = True) -> bytes:
    body = json.dumps({"data": [name]}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: text/event-stream\r\nContent-Length: {len(body)}\r\n"
        + ("Connection: close\r\n\r\n" if close else "\r\n")
    )
    return head.encode() + body


async def read_head(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Status and Content-Length (0 if absent) of an HTTP answer; the body is left unread."""
    status, length = int((await reader.readline()).split()[1]), 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return status, length


async def open_gradio_call(port: int, name: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Gradio's two-step call: POST (event id), then GET the SSE stream; return once its headers arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request_bytes(port, name, GRADIO_PATH, close=False))
    status, length = await read_head(reader)
    answer = await reader.readexactly(length)
    if status != 200:
        raise ConnectionError(f"POST answered {status}: {answer[:200]!r}")
    event_id = json.loads(answer)["event_id"]
    writer.write(
        f"GET {GRADIO_PATH}/{event_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept: text/event-stream\r\nConnection: close\r\n\r\n".encode()
    )
    status, _ = await read_head(reader)
    if status != 200:
        raise ConnectionError(f"GET answered {status}")
    return reader, writer


async def open_mountui_call(port: int, index: int, state: dict) -> tuple[Any, Any]:
    """Open one mountui (or bare) SSE call; record its `queued` position; return at its first event."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request_bytes(port, f"w{index}", call_path(state["server"])))
    await writer.drain()
    event = None
    while True:  # until the queued (or started) event
        line = await reader.readline()
        if not line:
            raise ConnectionError("closed before the first event")
        if line.startswith(b"event: "):
            event = line[7:].strip().decode()
        elif line.startswith(b"data: ") and event is not None:
            if event == "queued":
                state["positions"].append(json.loads(line[6:])["position"])
                state["queued"] += 1
            else:
                state["first_not_queued"] += 1
            return reader, writer


# --- the client processes ---
async def one_call(
    port: int, index: int, connect_gate: asyncio.Semaphore, state: dict, release: asyncio.Event
):
    """Open one SSE call; record its `queued` position; keep reading until `complete` (or the stream ends)."""
    try:
        async with connect_gate:
            if state["server"] == "gradio":  # no queue position on this API: waiting = stream open
                reader, writer = await open_gradio_call(port, f"w{index}")
                state["queued"] += 1
            else:
                reader, writer = await open_mountui_call(port, index, state)
        state["waiting"] += 1
        if state["waiting"] + state["failed"] == state["total"]:
            release.set()
        while line := await reader.readline():
            if line.startswith(b"event: complete"):
                state["complete"] += 1
                break
            if line.startswith(b"event: error"):
                state["errors"] += 1
                state["error_sample"] = state["error_sample"] or (await reader.readline()).decode()[:200]
                break
        writer.close()
    except Exception as exc:
        state["failed"] += 1
        state["failure"] = f"{type(exc).__name__}: {exc}"
        if state["waiting"] + state["failed"] == state["total"]:
            release.set()


async def client_main(port: int, start: int, count: int, timeout: float, server: str) -> None:
    state = {
        "server": server,
        "total": count,
        "positions": [],
        "queued": 0,
        "first_not_queued": 0,
        "waiting": 0,
        "failed": 0,
        "complete": 0,
        "errors": 0,
        "failure": None,
        "error_sample": "",
    }
    all_waiting = asyncio.Event()
    gate = asyncio.Semaphore(100)  # connects in flight, so the listen backlog never overflows
    tasks = [asyncio.create_task(one_call(port, start + i, gate, state, all_waiting)) for i in range(count)]
    t0 = time.monotonic()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_waiting.wait(), timeout)
    report = {k: v for k, v in state.items() if k not in ("positions", "server")}
    print(
        "READY " + json.dumps({**report, "positions": state["positions"], "open_s": time.monotonic() - t0}),
        flush=True,
    )
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    for t in pending:
        t.cancel()
    report = {k: v for k, v in state.items() if k not in ("positions", "server")}
    print("DONE " + json.dumps({**report, "unfinished": len(pending)}), flush=True)


# --- the driver ---
def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    except (ValueError, OSError):
        return soft


class ClientProcess:
    """A client process and the tagged JSON lines (READY, DONE) it printed, read by a background thread."""

    def __init__(self, port: int, start: int, count: int, timeout: float, server: str) -> None:
        args = ["--timeout", str(timeout), "--server", server, "--client", str(port), str(start), str(count)]
        self.proc = subprocess.Popen(
            [sys.executable, __file__, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        self.lines: dict[str, dict] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            tag, _, rest = line.partition(" ")
            if tag in ("READY", "DONE"):
                self.lines[tag] = json.loads(rest)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def wait_all(clients: list[ClientProcess], tag: str, deadline: float, tick=None) -> bool:
    while time.monotonic() < deadline:
        if all(tag in c.lines for c in clients):
            return True
        if tick:
            tick()
        time.sleep(0.2)
    return False


def open_blocker(port: int, kind: str) -> Any:
    """The call that takes the endpoint's only slot; its stream is read by nobody. Close it at the end."""
    if kind in ("mountui", "bare"):  # bare has no slot to take: its blocker is one more waiting stream
        blocker = socket.create_connection(("127.0.0.1", port))
        blocker.sendall(request_bytes(port, "blocker", call_path(kind)))
        return blocker
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", GRADIO_PATH, b'{"data": ["blocker"]}', {"Content-Type": "application/json"})
    event_id = json.loads(conn.getresponse().read())["event_id"]
    conn.request("GET", f"{GRADIO_PATH}/{event_id}", headers={"Accept": "text/event-stream"})
    conn.getresponse()  # headers only: the stream stays open until the call ends
    return conn


def server_stats(port: int, gc_objects: bool = False) -> dict:
    url = f"http://127.0.0.1:{port}/bench/stats" + ("?gc_objects=true" if gc_objects else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return json.loads(resp.read())
    except Exception:
        return {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", choices=["mountui", "gradio", "bare"], default="mountui")
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--hold", type=float, default=10, help="seconds to hold all calls waiting")
    parser.add_argument("--timeout", type=float, default=120, help="seconds each phase may take at most")
    parser.add_argument(
        "--alone", action="store_true", help="mountui served alone, as launch() does, not mounted in FastAPI"
    )
    parser.add_argument("--max-queue-size", type=int, default=0, help="server setting (0: mountui's default)")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="trace the server's allocations and print the top sites while the calls wait (slower; RSS inflated)",
    )
    parser.add_argument(
        "--client", nargs=3, type=int, metavar=("PORT", "START", "COUNT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.client:
        asyncio.run(client_main(*args.client, timeout=args.timeout, server=args.server))
        return

    if args.alone:  # read by bench/_server.py and by the client processes (call_path)
        os.environ["BENCH_MOUNTUI_ALONE"] = "1"
    nofile = raise_nofile()
    need = args.calls + 100
    print(f"open files limit: {nofile} (the server needs about {need}, each client {need // args.clients})")
    if nofile < need:
        sys.exit(f"raise the hard limit on open files (ulimit -Hn) to at least {need}")
    extra = ["--fn", "block", "--backlog", "4096", "--gc-stats"]
    if args.max_queue_size:
        extra += ["--max-queue-size", str(args.max_queue_size)]
    if args.tracemalloc:
        extra += ["--tracemalloc"]
    memtop: list[str] = []
    curve: list[dict[str, object]] = []
    with server(args.server, *extra) as (port, proc):
        pid = proc.pid
        settle(pid)
        rss0 = rss_kib(pid)
        objects0 = server_stats(port, gc_objects=True).get("gc_objects", 0)
        # The blocker: an SSE call that takes the endpoint's only slot (its stream is read by nobody).
        blocker = open_blocker(port, args.server)
        time.sleep(0.5)

        t_open, cpu_open = time.monotonic(), cpu_seconds(pid)
        first = server_stats(port)
        last = {
            "t": t_open,
            "cpu": cpu_open,
            "jobs": first.get("jobs", 0),
            "gc": sum(first.get("gc_ms", [0])),
        }

        def sample() -> None:  # enqueue cost against queue depth, every ~2 s
            now = time.monotonic()
            if now - last["t"] < 2:
                return
            cpu, stats = cpu_seconds(pid), server_stats(port)
            jobs, gc_ms = stats.get("jobs"), sum(stats.get("gc_ms", [0]))
            if jobs is not None and jobs > last["jobs"]:
                new = jobs - last["jobs"]
                curve.append(
                    {
                        "waiting": jobs - 1,
                        "new": new,
                        "cpu_ms_per_enqueue": round((cpu - last["cpu"]) / new * 1000, 3),
                        "of_which_gc_ms": round((gc_ms - last["gc"]) / new, 3),
                        "rss_kib": rss_kib(pid),
                        "gc_collections": stats.get("gc_collections"),
                    }
                )
                last.update(t=now, cpu=cpu, jobs=jobs, gc=gc_ms)

        share = [args.calls // args.clients + (i < args.calls % args.clients) for i in range(args.clients)]
        starts = [sum(share[:i]) for i in range(args.clients)]
        clients = [
            ClientProcess(port, st, n, args.timeout, args.server) for st, n in zip(starts, share, strict=True)
        ]
        try:
            all_ready = wait_all(clients, "READY", time.monotonic() + args.timeout + 10, sample)
            open_s = time.monotonic() - t_open
            cpu_during_open = cpu_seconds(pid) - cpu_open
            ready = [c.lines.get("READY", {}) for c in clients]
            queued_at_ready = sum(r.get("queued", 0) for r in ready)
            settle(pid, quiet=0.5)
            rss_held = rss_kib(pid)
            held = server_stats(port, gc_objects=True)
            if args.tracemalloc:
                for key in ("package", "lineno"):
                    url = f"http://127.0.0.1:{port}/bench/memtop?n=25&key={key}"
                    with urllib.request.urlopen(url, timeout=120) as resp:
                        memtop += [*json.loads(resp.read()), ""]
                print("\n".join(["server heap while the calls wait (tracemalloc):", *memtop]), flush=True)
            cpu_hold0, t_hold0 = cpu_seconds(pid), time.monotonic()
            time.sleep(args.hold)
            hold_cpu_pct = (cpu_seconds(pid) - cpu_hold0) / (time.monotonic() - t_hold0) * 100
            print(
                f"{queued_at_ready} queued in {open_s:.1f} s; held {args.hold:g} s at {hold_cpu_pct:.1f}% CPU",
                flush=True,
            )

            t_release, cpu_release = time.monotonic(), cpu_seconds(pid)
            post_json(port, "/release", b"")
            wait_all(clients, "DONE", time.monotonic() + args.timeout + 10)
            drain_s = time.monotonic() - t_release
            cpu_drain = cpu_seconds(pid) - cpu_release
        finally:
            for c in clients:
                c.stop()
            blocker.close()
        rss_after = rss_kib(pid)

    done = [c.lines.get("DONE", {}) for c in clients]
    positions = [p for r in ready for p in r.get("positions", [])]
    queued = sum(d.get("queued", 0) for d in done)
    complete = sum(d.get("complete", 0) for d in done)
    failures = [r["failure"] for r in ready + done if r.get("failure")]
    failures += [d["error_sample"].strip() for d in done if d.get("error_sample")]
    row = {
        "calls": args.calls,
        "queued_events": queued,
        "distinct_positions": len(set(positions)),
        "max_position": max(positions) if positions else None,
        "got_started_first": sum(d.get("first_not_queued", 0) for d in done),
        "failed": sum(d.get("failed", 0) for d in done),
        "open_s": round(open_s, 1),
        "all_queued_in_time": all_ready and queued_at_ready == args.calls,
        "cpu_ms_per_enqueue": round(cpu_during_open / max(queued, 1) * 1000, 3),
        "rss_kib_idle": rss0,
        "rss_kib_held": rss_held,
        "kib_per_waiting_call": round((rss_held - rss0) / max(queued, 1), 2),
        "gc_objects_per_waiting_call": round((held.get("gc_objects", 0) - objects0) / max(queued, 1)),
        "tasks_while_held": held.get("tasks"),
        "gc_ms_total_by_generation": held.get("gc_ms"),
        "hold_cpu_pct": round(hold_cpu_pct, 1),
        "complete_events": complete,
        "errors": sum(d.get("errors", 0) for d in done),
        "unfinished": sum(d.get("unfinished", 0) for d in done),
        "drain_s": round(drain_s, 1),
        "cpu_ms_per_drained_call": round(cpu_drain / max(complete, 1) * 1000, 3),
        "rss_kib_after": rss_after,
    }
    print("\nenqueue cost against the number already waiting (server CPU between samples / new calls):")
    print(
        table(curve, ["waiting", "new", "cpu_ms_per_enqueue", "of_which_gc_ms", "rss_kib", "gc_collections"])
    )
    print()
    print(table([{"metric": k, "value": v} for k, v in row.items()], ["metric", "value"]))
    if failures:
        print(f"first failure: {failures[0]}")
    ok = queued == args.calls and complete == args.calls
    print("\nOK: every call was queued and completed" if ok else "\nNOT OK: see the counts above")
    name = "waiting_tracemalloc" if args.tracemalloc else "waiting"
    name += ("" if args.server == "mountui" else "_" + args.server) + ("_alone" if args.alone else "")
    path = write_result(name, {**row, "curve": curve, "failures": failures[:5], "ok": ok, "memtop": memtop})
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
