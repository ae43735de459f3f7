"""One benchmark run, side by side: a bare FastAPI endpoint (the limit), Gradio (the anchor) and mountui.

    make bench                     # builds bench/.venv-gradio, then runs this (12-20 min)
    make bench BENCH_ARGS=--quick  # the ~5 min smoke run
    .venv/bin/python bench/side_by_side.py [--quick] [--only import,cold,calls,gen,idle,page,waiting]
                                           [--note TEXT] [--report-only]

Each server runs under uvicorn with one worker in its own process (bench/_server.py: `bare` and `mountui` in the
project's venv, `gradio` in bench/.venv-gradio). The load comes from `wrk` (Debian package `wrk`) for the
one-request calls, and from bench/_http.py (asyncio, keep-alive) for Gradio's two-request calls. Costs are the
server process's CPU time (/proc) per completed call, and every ratio compares figures taken in this run, the
servers measured in turn at each load level. Writes bench/results/side_by_side.json and bench/RESULTS.md
(bench/_report.py); `python bench/readme_table.py` then copies its summary into README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from _common import (
    BENCH,
    GRADIO_PYTHON,
    QUIET_ENV,
    RESULTS,
    ROOT,
    cpu_seconds,
    free_port,
    measured_run,
    python_for,
    require_wrk,
    run_wrk,
    server,
    settle,
    write_result,
)
from import_time import TIMED

SECTIONS = ["import", "cold", "calls", "gen", "idle", "page", "waiting"]
FULL = {"imports": 7, "cold": 3, "seconds": 8, "rounds": 10, "idle": 30, "page": 10, "waiting": 10_000}
QUICK = {"imports": 3, "cold": 1, "seconds": 2, "rounds": 3, "idle": 10, "page": 3, "waiting": 1_000}
CONNECTIONS = [1, 16, 64, 256]
JSON_, SSE = "application/json", "text/event-stream"
GRADIO_API = "/gradio/gradio_api/call"
# (server, call, how): how is ("wrk", path, accept) or ("gradio", api_name) for the two-step call.
CALLS = [
    ("bare", "JSON", ("wrk", "/bare", JSON_)),
    ("bare", "SSE", ("wrk", "/bare_sse", SSE)),
    ("mountui", "JSON", ("wrk", "/ui/api/greet", JSON_)),
    ("mountui", "SSE", ("wrk", "/ui/api/greet", SSE)),
    ("gradio", "two-step", ("gradio", "greet")),
]
GEN_PATHS = {"bare": "/bare_count", "mountui": "/ui/api/count", "gradio": f"{GRADIO_API}/count"}
KINDS = ["bare", "mountui", "gradio"]


def sync_call(kind: str, port: int, sse: bool = False) -> None:
    """One call with the standard library (raises unless it succeeds): cold start and idle checks."""

    def post(path: str, accept: str = JSON_) -> bytes:
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=b'{"data": ["world"]}',
            headers={"Content-Type": "application/json", "Accept": accept},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    if kind == "gradio":
        event_id = json.loads(post(f"{GRADIO_API}/greet"))["event_id"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{GRADIO_API}/greet/{event_id}", timeout=30) as r:
            answer = r.read()
        ok = b"event: complete" in answer
    elif kind == "bare":
        answer = post("/bare_sse" if sse else "/bare")
        ok = b"Hello world!" in answer
    else:
        answer = post("/ui/api/greet", SSE if sse else JSON_)
        ok = b"Hello world!" in answer
    if not ok:
        raise RuntimeError(f"unexpected answer from {kind}: {answer[:200]!r}")


def helper(*args: str) -> dict:
    """Run a bench script in this venv; return the `JSON {...}` line it printed."""
    out = subprocess.run([sys.executable, *args], cwd=BENCH, check=True, capture_output=True, text=True)
    return json.loads(next(line for line in out.stdout.splitlines() if line.startswith("JSON "))[5:])


def import_times(runs: int) -> list[dict]:
    targets = [("fastapi", sys.executable), ("mountui", sys.executable), ("gradio", str(GRADIO_PYTHON))]
    samples: dict[str, list[float]] = {mod: [] for mod, _ in targets}
    for i in range(runs + 1):  # round-robin; the first round warms the caches and is dropped
        for mod, python in targets:
            out = subprocess.run(
                [python, "-c", TIMED.format(mod=mod)], cwd=ROOT, check=True, capture_output=True, text=True
            )
            if i:
                samples[mod].append(float(out.stdout))
    return [{"import": mod, "ms": round(statistics.median(s) * 1000)} for mod, s in samples.items()]


def cold_starts(runs: int) -> list[dict]:
    """Process start to the first successful call (polled every 10 ms), median of `runs`, in turn."""
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    for _ in range(runs):
        for kind in KINDS:
            port = free_port()
            cmd = [python_for(kind), str(BENCH / "_server.py"), kind, "--port", str(port), "--limit", "none"]
            t0 = time.monotonic()
            proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **QUIET_ENV}, stderr=subprocess.DEVNULL)
            try:
                while time.monotonic() - t0 < 120 and proc.poll() is None:
                    try:
                        sync_call(kind, port)
                        times[kind].append(time.monotonic() - t0)
                        break
                    except OSError:
                        time.sleep(0.01)
            finally:
                proc.send_signal(signal.SIGINT)
                proc.wait(15)
    return [{"server": k, "ms": round(statistics.median(v) * 1000) if v else None} for k, v in times.items()]


def calls(seconds: float, ports: dict[str, tuple[int, int]]) -> list[dict]:
    rows = []
    for server_kind, _call, how in CALLS:  # warm-up: worker threads, caches
        port, pid = ports[server_kind]
        run_load(how, port, 16, 2)
        settle(pid)
    for conns in CONNECTIONS:
        for server_kind, call, how in CALLS:
            port, pid = ports[server_kind]
            row = measured_run(pid, conns, lambda h=how, p=port, c=conns: run_load(h, p, c, seconds))
            rows.append({"server": server_kind, "call": call, **row})
            print(f"  {server_kind} {call} c={conns}: {row}", flush=True)
    return rows


def run_load(how: tuple, port: int, conns: int, seconds: float) -> dict:
    if how[0] == "wrk":
        return run_wrk(f"http://127.0.0.1:{port}{how[1]}", conns, seconds, accept=how[2])
    path = f"{GRADIO_API}/{how[1]}"
    return helper("_http.py", "load", "--port", str(port), "--api", "gradio", "--path", path,
                  "--connections", str(conns), "--seconds", str(seconds))  # fmt: skip


def generators(rounds: int, ports: dict[str, tuple[int, int]]) -> list[dict]:
    rows = []
    for clients in (1, 16):
        for kind in KINDS:
            api = "gradio" if kind == "gradio" else "post"
            out = helper("_http.py", "gen", "--port", str(ports[kind][0]), "--api", api,
                         "--path", GEN_PATHS[kind], "--clients", str(clients), "--rounds", str(rounds))  # fmt: skip
            rows.append({"server": kind, "clients": clients, **out})
            print(f"  generator {kind} clients={clients}: {out}", flush=True)
    return rows


def idle(seconds: float) -> list[dict]:
    """CPU of fresh idle servers over `seconds`, then again after one finished SSE call (all three at once)."""
    with ExitStack() as stack:
        ports = {k: stack.enter_context(server(k, "--limit", "none")) for k in KINDS}
        pids = {k: proc.pid for k, (_port, proc) in ports.items()}
        time.sleep(2)
        out: dict[str, dict] = {k: {"server": k} for k in KINDS}
        for label in ("fresh", "after_stream"):
            if label == "after_stream":
                for k, (port, _proc) in ports.items():
                    sync_call(k, port, sse=True)
                time.sleep(1)
            before = {k: cpu_seconds(pid) for k, pid in pids.items()}
            time.sleep(seconds)
            for k, pid in pids.items():
                out[k][f"{label}_cpu_ms"] = round((cpu_seconds(pid) - before[k]) * 1000)
    return list(out.values())


def page_loads(runs: int) -> list[dict]:
    rows = []
    for kind in ("mountui", "gradio"):
        subprocess.run([sys.executable, "page_load.py", "--runs", str(runs), "--server", kind], cwd=BENCH,
                       check=True, capture_output=True)  # fmt: skip
        name = "page_load" if kind == "mountui" else "page_load_gradio"
        summary = json.loads((RESULTS / f"{name}.json").read_text())["summary"]
        rows.append({"server": kind, **{k: round(v["median"], 1) for k, v in summary.items()}})
    return rows


def waiting(calls_: int, quick: bool) -> list[dict]:
    rows = []
    # mountui mounted in FastAPI, and alone (as launch() serves it); a bare FastAPI stream held open on the
    # same stack as the first (the limit); Gradio through its HTTP API.
    for kind, alone in (("mountui", False), ("mountui", True), ("bare", False), ("gradio", False)):
        # Gradio drains its queue slowly (tens of ms of CPU per call): its drain is cut off at the timeout.
        timeout = 60 if quick else (240 if kind == "gradio" else 120)
        cmd = [
            sys.executable,
            "waiting.py",
            "--server",
            kind,
            "--calls",
            str(calls_),
            "--timeout",
            str(timeout),
        ]
        if quick:
            cmd += ["--hold", "3"]
        if alone:
            cmd += ["--alone"]
        subprocess.run(cmd, cwd=BENCH, check=False, capture_output=True)
        name = ("waiting" if kind == "mountui" else f"waiting_{kind}") + ("_alone" if alone else "")
        label = "mountui alone" if alone else kind
        path = RESULTS / f"{name}.json"
        if path.exists() and path.stat().st_mtime > time.time() - 900:
            keys = ["calls", "queued_events", "failed", "open_s", "kib_per_waiting_call", "hold_cpu_pct",
                    "complete_events", "errors", "unfinished", "drain_s", "timeout", "first_failure"]  # fmt: skip
            data = json.loads(path.read_text())
            data.update(timeout=timeout, first_failure=(data.get("failures") or [""])[0])
            rows.append({"server": label, **{k: data.get(k) for k in keys}})
        else:
            rows.append({"server": label, "calls": calls_, "failed": "the run did not finish"})
    return rows


def versions() -> dict:
    probe = (
        "import json, platform; from importlib.metadata import version as v\n"
        "print(json.dumps({'python': platform.python_version(), **{p: v(p) for p in %r}}))"
    )
    ours = json.loads(subprocess.check_output([sys.executable, "-c", probe % (["mountui", "fastapi", "uvicorn", "starlette", "sse-starlette", "pydantic", "playwright"],)]))  # fmt: skip
    theirs = json.loads(subprocess.check_output([str(GRADIO_PYTHON), "-c", probe % (["gradio", "fastapi", "uvicorn", "starlette", "pydantic"],)]))  # fmt: skip
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[:2]
    chromium = subprocess.run(
        ["/usr/bin/chromium", "--version"], capture_output=True, text=True
    ).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {"project_venv": ours, "gradio_venv": theirs, "wrk": " ".join(wrk), "chromium": chromium,
            "commit": commit.stdout.strip()}  # fmt: skip


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kib = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
    return {"cpu": model, "cores": os.cpu_count(), "ram_gib": round(mem_kib / 1024**2, 1),
            "kernel": platform.release()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the ~5 minute smoke run (shorter, fewer)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections to run")
    parser.add_argument("--note", default="", help="a sentence for the top of RESULTS.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from the last results")
    args = parser.parse_args()
    from _report import render

    results_path = RESULTS / "side_by_side.json"
    if args.report_only:
        (BENCH / "RESULTS.md").write_text(render(json.loads(results_path.read_text())))
        return
    require_wrk()
    if not GRADIO_PYTHON.exists():
        sys.exit(f"no Gradio venv at {GRADIO_PYTHON.relative_to(ROOT)}: run `make bench` (it builds it)")
    cfg = QUICK if args.quick else FULL
    only = args.only.split(",")
    started = time.monotonic()
    res: dict = {"mode": "quick" if args.quick else "full", "settings": cfg, "note": args.note,
                 "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                 "versions": versions(), "connections": CONNECTIONS}  # fmt: skip
    print(f"side-by-side run ({res['mode']}): {', '.join(only)}", flush=True)
    if "import" in only:
        res["import"] = import_times(cfg["imports"])
        print(f"  imports: {res['import']}", flush=True)
    if "cold" in only:
        res["cold"] = cold_starts(cfg["cold"])
        print(f"  cold start: {res['cold']}", flush=True)
    if "calls" in only or "gen" in only:
        with ExitStack() as stack:  # all three up at once; each is idle while another is measured
            started_servers = {k: stack.enter_context(server(k, "--limit", "none")) for k in KINDS}
            ports = {k: (port, proc.pid) for k, (port, proc) in started_servers.items()}
            for k, (port, _pid) in ports.items():
                sync_call(k, port)
                sync_call(k, port, sse=True)
            if "calls" in only:
                res["calls"] = calls(cfg["seconds"], ports)
            if "gen" in only:
                res["gen"] = generators(cfg["rounds"], ports)
    if "idle" in only:
        res["idle"] = idle(cfg["idle"])
        print(f"  idle: {res['idle']}", flush=True)
    if "page" in only:
        res["page"] = page_loads(cfg["page"])
        print(f"  page: {res['page']}", flush=True)
    if "waiting" in only:
        res["waiting"] = waiting(cfg["waiting"], args.quick)
        print(f"  waiting: {res['waiting']}", flush=True)
    res["minutes"] = round((time.monotonic() - started) / 60, 1)
    write_result("side_by_side", res)
    (BENCH / "RESULTS.md").write_text(render(res))
    print(f"written {results_path.relative_to(ROOT)} and bench/RESULTS.md ({res['minutes']} min)")


if __name__ == "__main__":
    main()
