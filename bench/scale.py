"""Scale-out: mountui on 1, 2 and 4 uvicorn workers sharing one Redis, against one worker on MemoryStore.

    python bench/scale.py [--only calls,waiting] [--seconds 8] [--connections 64] [--calls 10000] [--quick]

Each configuration is ``uvicorn --workers N _scale_app:app`` (bench/_scale_app.py: a Starlette host with mountui
at /ui and one endpoint ``greet``) on a loopback port, with a redis-server of its own (no persistence) when
the store is Redis. Measured:

- `calls`: JSON calls (``POST /ui/api/greet``, wrk with post_json.lua, `--connections` keep-alive clients for
  `--seconds` after a 2 s warm-up): calls/s, p50/p99 latency, the server's CPU per call (all worker processes)
  and redis-server's CPU per call. Once with ``concurrency_limit=None`` (calls run in parallel on every
  worker) and once with the default limit (1 call at a time across the whole cluster).
- `cpu`: what RedisStore adds per call over MemoryStore on one worker (same process kind, same load): the
  difference and the ratio of the worker's CPU per call, and redis-server's own CPU on top.
- `waiting`: `--calls` SSE calls waiting at once, spread over 2 workers by the kernel: a blocker call holds
  the only slot of ``greet`` (concurrency 1 across the cluster) and bench/waiting.py's client processes open
  the calls. Each must get a `queued` event with a position distinct across the cluster; after release
  every one must complete. Reported: memory per waiting call (workers' RSS, Redis's used_memory), drain time.

Writes bench/results/scale.json and bench/results/scale.md (a Markdown table). Needs wrk and redis-server.
On an idle 2-CPU machine it takes about 3 minutes (``--quick``: about 1 minute, 2,000 waiting calls).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import BENCH, RESULTS, cpu_seconds, free_port, require_wrk, rss_kib, run_wrk, table, write_result
from waiting import ClientProcess, open_blocker, raise_nofile, wait_all

URL_PATH = "/ui/api/greet"
SERVER_LOG = RESULTS / "scale_server.log"


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and theirs (uvicorn's workers), from /proc/<pid>/task/*/children."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found += [int(child), *descendants(int(child))]
    return found


def cluster_cpu(pid: int) -> float:
    total = 0.0
    for p in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            total += cpu_seconds(p)
    return total


def worker_pids(pid: int) -> list[int]:
    """uvicorn's worker processes; with one worker uvicorn serves in its own process."""
    found = [p for p in descendants(pid) if not _is_helper(p)]
    return found or [pid]


def _is_helper(pid: int) -> bool:
    """multiprocessing's resource tracker, which uvicorn's spawned workers start: not a worker."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"resource_tracker" in f.read()
    except OSError:
        return True


def workers_rss_kib(pid: int) -> int:
    total = 0
    for p in worker_pids(pid):
        with contextlib.suppress(OSError):
            total += rss_kib(p)
    return total


@contextlib.contextmanager
def redis_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    exe = shutil.which("redis-server") or sys.exit("redis-server is missing: apt-get install -y redis-server")
    port, workdir = free_port(), tempfile.mkdtemp(prefix="bench-redis-")
    cmd = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", workdir, "--maxclients", "20000"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(200):
            with contextlib.suppress(redis.ConnectionError, redis.BusyLoadingError):
                if client.ping():
                    break
            time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0", proc
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def redis_used_memory(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return int(client.info("memory")["used_memory"])
    finally:
        client.close()


@contextlib.contextmanager
def uvicorn(workers: int, env: dict[str, str]) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "_scale_app:app", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", "--no-access-log", "--backlog", "4096",
           "--timeout-graceful-shutdown", "5"]  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    with open(SERVER_LOG, "ab") as log:  # the workers' own messages, out of the report's way
        log.write(f"\n=== {time.strftime('%H:%M:%S')} {workers} worker(s), {env} ===\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd, cwd=BENCH, env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    try:
        wait_ready(port, proc, workers)
        yield port, proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for p in descendants(proc.pid):
                with contextlib.suppress(OSError):
                    os.kill(p, signal.SIGKILL)
            proc.kill()
            proc.wait()


def wait_ready(port: int, proc: subprocess.Popen[bytes], workers: int, timeout: float = 60) -> None:
    """Until every worker is up (each answers the health check; the kernel spreads our connections)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ui/healthz", timeout=2) as answer,
        ):
            if answer.status == 200 and (workers == 1 or len(worker_pids(proc.pid)) >= workers):
                time.sleep(1.0 if workers > 1 else 0.2)  # the other workers finish their start-up
                return
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer on {port} within {timeout} s")


def settle_all(pids: list[int], quiet: float = 0.3, limit: float = 10) -> None:
    deadline, last = time.monotonic() + limit, sum(cluster_cpu(p) for p in pids)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = sum(cluster_cpu(p) for p in pids)
        if now - last < 0.01:
            return
        last = now


def measure_calls(store: str, workers: int, limit: str, args: argparse.Namespace) -> dict[str, object]:
    with contextlib.ExitStack() as stack:
        env = {"SCALE_BENCH_FN": "sync", "SCALE_BENCH_LIMIT": limit, "SCALE_BENCH_STORE": "memory"}
        redis_pid = None
        if store == "redis":
            url, redis_proc = stack.enter_context(redis_server())
            env["SCALE_BENCH_STORE"], redis_pid = url, redis_proc.pid
        port, proc = stack.enter_context(uvicorn(workers, env))
        url = f"http://127.0.0.1:{port}{URL_PATH}"
        run_wrk(url, args.connections, 2)  # warm-up: connections, caches, every worker
        watched = [proc.pid] + ([redis_pid] if redis_pid else [])
        settle_all(watched)
        cpu0, redis0 = cluster_cpu(proc.pid), cpu_seconds(redis_pid) if redis_pid else 0.0
        t0 = time.monotonic()
        summary = run_wrk(url, args.connections, args.seconds)
        settle_all(watched)
        wall = time.monotonic() - t0
        cpu = cluster_cpu(proc.pid) - cpu0
        redis_cpu = (cpu_seconds(redis_pid) - redis0) if redis_pid else 0.0
    n = summary["requests"]
    errors = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "store": store,
        "workers": workers,
        "limit": "None" if limit == "none" else "1 (cluster)",
        "calls done": n,
        "calls/s": round(n / (summary["duration_us"] / 1e6)),
        "p50 ms": round(summary["p50_us"] / 1000, 1),
        "p99 ms": round(summary["p99_us"] / 1000, 1),
        "errors": errors,
        "server CPU ms/call": round(cpu / n * 1000, 3) if n else None,
        "redis CPU ms/call": round(redis_cpu / n * 1000, 3) if n and redis_pid else "-",
        "server CPU": f"{cpu / wall:.0%}",
    }


def measure_waiting(calls: int, workers: int, clients: int, timeout: float) -> dict[str, object]:
    nofile = raise_nofile()
    if nofile < calls + 200:
        sys.exit(f"raise the hard limit on open files (ulimit -Hn) to at least {calls + 200}")
    release = Path(tempfile.mkdtemp(prefix="bench-release-")) / "release"
    with redis_server() as (url, redis_proc):
        env = {"SCALE_BENCH_FN": "block", "SCALE_BENCH_STORE": url, "SCALE_BENCH_RELEASE": str(release)}
        with uvicorn(workers, env) as (port, proc):
            settle_all([proc.pid])
            rss0, redis_mem0 = workers_rss_kib(proc.pid), redis_used_memory(url)
            blocker = open_blocker(port, "mountui")
            time.sleep(0.5)
            share = [calls // clients + (i < calls % clients) for i in range(clients)]
            starts = [sum(share[:i]) for i in range(clients)]
            procs = [
                ClientProcess(port, s, n, timeout, "mountui") for s, n in zip(starts, share, strict=True)
            ]
            t0, cpu0 = time.monotonic(), cluster_cpu(proc.pid)
            try:
                wait_all(procs, "READY", time.monotonic() + timeout + 10)
                open_s = time.monotonic() - t0
                cpu_open = cluster_cpu(proc.pid) - cpu0
                settle_all([proc.pid, redis_proc.pid], quiet=0.5)
                rss_held, redis_mem_held = workers_rss_kib(proc.pid), redis_used_memory(url)
                per_worker = [rss_kib(p) for p in worker_pids(proc.pid)]
                t_release = time.monotonic()
                release.touch()
                wait_all(procs, "DONE", time.monotonic() + timeout + 10)
                drain_s = time.monotonic() - t_release
            finally:
                for c in procs:
                    c.stop()
                blocker.close()
                release.unlink(missing_ok=True)
    ready = [c.lines.get("READY", {}) for c in procs]
    done = [c.lines.get("DONE", {}) for c in procs]
    positions = [p for r in ready for p in r.get("positions", [])]
    queued = sum(d.get("queued", 0) for d in done)
    return {
        "calls": calls,
        "workers": workers,
        "queued events": queued,
        "distinct positions": len(set(positions)),
        "max position": max(positions) if positions else None,
        "complete": sum(d.get("complete", 0) for d in done),
        "errors": sum(d.get("errors", 0) for d in done) + sum(d.get("failed", 0) for d in done),
        "open s": round(open_s, 1),
        "server CPU ms/enqueue": round(cpu_open / max(queued, 1) * 1000, 3),
        "workers KiB/waiting call": round((rss_held - rss0) / max(queued, 1), 2),
        "worker RSS MiB (each)": ", ".join(f"{r / 1024:.0f}" for r in per_worker),
        "redis KiB/waiting call": round((redis_mem_held - redis_mem0) / 1024 / max(queued, 1), 2),
        "drain s": round(drain_s, 1),
        "first failure": next((r["failure"] for r in ready + done if r.get("failure")), None),
        "first error event": next((d["error_sample"].strip() for d in done if d.get("error_sample")), None),
    }


def cpu_overhead(rows: list[dict[str, object]]) -> dict[str, object] | None:
    one = {r["store"]: r for r in rows if r["workers"] == 1 and r["limit"] == "None"}
    if not {"memory", "redis"} <= set(one):
        return None
    mem, red = one["memory"]["server CPU ms/call"], one["redis"]["server CPU ms/call"]
    return {
        "MemoryStore ms/call": mem,
        "RedisStore ms/call": red,
        "added ms/call": round(red - mem, 3),
        "ratio": f"{red / mem:.2f}x",
        "redis-server ms/call (on top)": one["redis"]["redis CPU ms/call"],
    }


def report(result: dict[str, object]) -> str:
    lines = [
        "# Scale-out: mountui on several uvicorn workers sharing Redis",
        "",
        f"Measured {result['when']} on {result['machine']} by `.venv/bin/python bench/scale.py "
        f"{result['argv']}`. Load by wrk ({result['connections']} keep-alive connections, "
        f"{result['seconds']} s per row) on the same machine, so the workers, Redis and the load generator "
        "share its CPUs: calls/s do not grow with workers beyond the cores there are.",
        "",
    ]
    if result.get("calls"):
        columns = list(result["calls"][0])
        lines += ["## JSON calls", "", table(result["calls"], columns), ""]
    if result.get("cpu"):
        lines += ["## What RedisStore adds per call (1 worker, concurrency_limit=None)", ""]
        lines += [table([result["cpu"]], list(result["cpu"])), ""]
    if result.get("waiting"):
        row = result["waiting"]
        lines += ["## Calls waiting at once, spread over the workers", ""]
        lines += [table([{"metric": k, "value": v} for k, v in row.items()], ["metric", "value"]), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="calls,waiting", help="comma-separated: calls, waiting")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--calls", type=int, default=10_000, help="waiting calls")
    parser.add_argument("--waiting-workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--quick", action="store_true", help="4 s rows, 2,000 waiting calls")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.calls = 4, 2_000
    require_wrk()
    SERVER_LOG.unlink(missing_ok=True)
    only = set(args.only.split(","))
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "argv": " ".join(sys.argv[1:]),
        "connections": args.connections,
        "seconds": args.seconds,
    }
    if "calls" in only:
        rows = []
        for store, workers in [("memory", 1), ("redis", 1), ("redis", 2), ("redis", 4)]:
            for limit in ("none", "default"):
                row = measure_calls(store, workers, limit, args)
                print(json.dumps(row), flush=True)
                rows.append(row)
        result["calls"], result["cpu"] = rows, cpu_overhead(rows)
    if "waiting" in only:
        result["waiting"] = measure_waiting(args.calls, args.waiting_workers, 4, args.timeout)
        print(json.dumps(result["waiting"]), flush=True)
    write_result("scale", result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.md").write_text(report(result) + "\n")
    print("\n" + report(result))
    print(f"written {RESULTS / 'scale.md'}; the servers' messages are in {SERVER_LOG}")


if __name__ == "__main__":
    main()
