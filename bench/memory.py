"""Server memory over thousands of calls: RSS after 0, 5k, 10k, 20k calls -> KiB per call.

    python bench/memory.py [--checkpoints 5000,10000,20000] [--connections 16] [--idle 4]
                            [--only bare|mountui|sse|sse-short]

Runs four servers one after the other (bench/_server.py, one uvicorn worker each) and drives them with wrk
(bench/post_json.lua, in 1 s runs until the count passes each checkpoint):
- bare:                         the bare FastAPI endpoint, for reference
- mountui:                      JSON calls (they keep no event log and leave no job behind)
- mountui SSE:                  SSE calls, as the browser makes them, default settings: a finished call's
                                event log and job stay `event_retention` (120 s) so a stream can be resumed
- mountui SSE (retention 2 s):  `event_retention=2`, to tell retained-by-design from leaked
The listener runs with `concurrency_limit=None` so the batches are quick. RSS is read from /proc/<pid>/statm;
mountui servers also report what they hold (jobs, event logs, loop timers, tasks) via GET /bench/stats.
After the last batch each server idles `--idle` seconds (past the short retention) and is read once more.
Writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request

from _common import ROOT, require_wrk, rss_kib, run_wrk, server, settle, table, write_result


def stats(port: int) -> dict[str, int]:
    try:
        url = f"http://127.0.0.1:{port}/bench/stats?gc_objects=true"
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())
    except Exception:
        return {}


def run(
    label: str,
    kind: str,
    path: str,
    extra: list[str],
    checkpoints: list[int],
    conns: int,
    idle: float,
    accept: str = "application/json",
):
    print(f"{label}:", flush=True)
    rows = []
    with server(kind, "--limit", "none", *extra) as (port, proc):
        url = f"http://127.0.0.1:{port}{path}"
        run_wrk(url, conns, 2, accept=accept)  # warm-up, not counted
        settle(proc.pid)
        base_rss, done, t0 = rss_kib(proc.pid), 0, time.monotonic()
        rows.append({"server": label, "calls": 0, "rss_kib": base_rss, **stats(port)})
        for target in checkpoints:
            while done < target:  # wrk runs for a duration: load in 1 s chunks up to the checkpoint
                done += run_wrk(url, conns, 1, accept=accept)["requests"]
            settle(proc.pid)
            rss = rss_kib(proc.pid)
            rows.append(
                {
                    "server": label,
                    "calls": done,
                    "rss_kib": rss,
                    "kib_per_call": round((rss - base_rss) / done, 3),
                    "elapsed_s": round(time.monotonic() - t0, 1),
                    **stats(port),
                }
            )
            print(f"  {rows[-1]}", flush=True)
        time.sleep(idle)
        rows.append(
            {
                "server": label,
                "calls": f"{done} +{idle:g}s idle",
                "rss_kib": rss_kib(proc.pid),
                "kib_per_call": round((rss_kib(proc.pid) - base_rss) / done, 3),
                **stats(port),
            }
        )
        print(f"  {rows[-1]}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoints", default="5000,10000,20000")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--idle", type=float, default=4)
    parser.add_argument("--only", choices=["bare", "mountui", "sse", "sse-short"], default=None)
    args = parser.parse_args()
    require_wrk()
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    sse = "text/event-stream"
    configs = {
        "bare": ("bare", "bare", "/bare", [], "application/json"),
        "mountui": ("mountui", "mountui", "/ui/api/greet", [], "application/json"),
        "sse": ("mountui SSE", "mountui", "/ui/api/greet", [], sse),
        "sse-short": (
            "mountui SSE (retention 2 s)",
            "mountui",
            "/ui/api/greet",
            ["--event-retention", "2"],
            sse,
        ),
    }
    rows = []
    for key, (label, kind, path, extra, accept) in configs.items():
        if args.only in (None, key):
            rows += run(label, kind, path, extra, checkpoints, args.connections, args.idle, accept)
    print()
    print(
        table(
            rows,
            [
                "server",
                "calls",
                "rss_kib",
                "kib_per_call",
                "elapsed_s",
                "jobs",
                "event_logs",
                "timers",
                "tasks",
                "gc_objects",
            ],
        )
    )
    print("kib_per_call = (RSS now - RSS after warm-up) / calls since warm-up")
    path = write_result("memory", {"connections": args.connections, "rows": rows})
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
