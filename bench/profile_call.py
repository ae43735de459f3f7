"""Where the server's CPU goes on the hot path of a trivial call: py-spy samples of a loaded server.

    python bench/profile_call.py [--server mountui|bare] [--limit default|none] [--fn sync|async] [--sse]
                                 [--seconds 15] [--connections 16] [--rate 150] [--cprofile]

Starts the server (bench/_server.py), loads it with wrk (bench/post_json.lua), and samples it with py-spy
(`pip install py-spy` into the venv; it needs ptrace permission on the server process). Idle samples
(worker threads waiting for work, the event loop in epoll) are dropped; the rest is summarised as:
  - CPU share by package of the innermost frame (mountui, starlette, fastapi, uvicorn, asyncio, ...),
  - the functions with the most self samples,
  - mountui's functions by inclusive samples (the hot path as mountui sees it).
The raw stacks (bench/results/profile_<server>.raw.txt) feed flamegraph.pl or speedscope.
`--cprofile` instead runs cProfile inside the server (event-loop thread only) and prints its top entries.
"""

from __future__ import annotations

import argparse
import collections
import pstats
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from _common import RESULTS, ROOT, post_json, require_wrk, run_wrk, server, settle

# Innermost frames that mean "waiting", not working.
IDLE = ("Condition.wait", "EpollSelector.select", "Queue.get", "Event.wait", "Thread.join", "lock.acquire")
PACKAGES = [
    "mountui/",
    "starlette/",
    "fastapi/",
    "sse_starlette/",
    "uvicorn/",
    "h11/",
    "anyio/",
    "pydantic",
    "orjson",
    "asyncio/",
    "_server.py",
]


def package_of(frame: str) -> str:
    where = frame[frame.rfind("(") + 1 :]
    for p in PACKAGES:
        if where.startswith(p) or f"/{p}" in where:
            return p.rstrip("/")
    return "stdlib/other"


def function_of(frame: str) -> str:
    """'Pipeline._run (mountui/server/pipeline.py:156)' -> 'Pipeline._run (mountui/server/pipeline.py)'."""
    name, _, where = frame.rpartition(" (")
    return f"{name} ({where.rsplit(':', 1)[0].rstrip(')')})"


def summarise(raw: Path, top: int = 25) -> str:
    self_by_fn: collections.Counter[str] = collections.Counter()
    incl_by_fn: collections.Counter[str] = collections.Counter()
    by_package: collections.Counter[str] = collections.Counter()
    self_by_line: collections.Counter[str] = collections.Counter()
    total = idle = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        if frames[-1].startswith(IDLE):
            idle += n
            continue
        total += n
        fns = [function_of(f) for f in frames]
        self_by_fn[fns[-1]] += n
        self_by_line[frames[-1]] += n
        by_package[package_of(frames[-1])] += n
        for fn in set(fns):
            incl_by_fn[fn] += n
    out = [
        f"{total} busy samples ({idle} idle samples dropped)",
        "",
        "CPU by package of the innermost frame:",
    ]
    out += [f"  {n / total:6.1%}  {p}" for p, n in by_package.most_common()]
    out += ["", f"top {top} functions by self samples:"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in self_by_fn.most_common(top)]
    mine = [(f, n) for f, n in incl_by_fn.most_common() if "mountui/" in f]
    if mine:
        out += ["", "mountui functions by inclusive samples (share of all busy samples):"]
        out += [f"  {n / total:6.1%}  {f}" for f, n in mine[:top]]
        own = sum(n for f, n in self_by_fn.items() if "mountui/" in f)
        out += [f"  self time in mountui code: {own / total:.1%}"]
        out += ["", "mountui lines by self samples:"]
        out += [f"  {n / total:6.1%}  {f}" for f, n in self_by_line.most_common() if "mountui/" in f][:top]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", choices=["mountui", "bare"], default="mountui")
    parser.add_argument("--limit", default="none", help="listener concurrency_limit: default|none|N")
    parser.add_argument("--fn", choices=["sync", "async"], default="sync")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=int, default=150, help="py-spy samples per second")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--sse", action="store_true", help="SSE calls (Accept: text/event-stream), as the browser"
    )
    args = parser.parse_args()
    require_wrk()
    RESULTS.mkdir(exist_ok=True)
    path = ("/bare_sse" if args.sse else "/bare") if args.server == "bare" else "/ui/api/greet"
    tag = args.server if args.server == "bare" else f"mountui_limit_{args.limit}"
    tag += f"_{args.fn}" + ("_sse" if args.sse else "") + ("_cprofile" if args.cprofile else "")
    accept = "text/event-stream" if args.sse else "application/json"
    extra = ["--fn", args.fn] + (["--limit", args.limit] if args.server == "mountui" else [])
    prof = RESULTS / f"profile_{tag}.prof"
    if args.cprofile:
        extra += ["--profile", str(prof)]
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not args.cprofile and not Path(spy).exists():
        sys.exit("py-spy not found: pip install py-spy (or use --cprofile)")

    with server(args.server, *extra) as (port, proc):
        post_json(port, path, accept=accept)
        run_wrk(f"http://127.0.0.1:{port}{path}", args.connections, 2, accept=accept)  # warm-up
        settle(proc.pid)
        failures: list[BaseException] = []

        def load_it() -> None:
            try:
                run_wrk(f"http://127.0.0.1:{port}{path}", args.connections, args.seconds + 2, accept=accept)
            except BaseException as exc:
                failures.append(exc)

        load = threading.Thread(target=load_it)
        load.start()
        if args.cprofile:
            load.join()
        else:
            raw = RESULTS / f"profile_{tag}.raw.txt"
            subprocess.run(
                [
                    spy,
                    "record",
                    "-p",
                    str(proc.pid),
                    "-d",
                    str(int(args.seconds)),
                    "-r",
                    str(args.rate),
                    "-f",
                    "raw",
                    "-o",
                    str(raw),
                ],
                check=True,
                capture_output=True,
            )
            load.join()
        if failures:
            raise failures[0]
    report = _cprofile_report(prof) if args.cprofile else summarise(raw)
    header = f"profile of {tag}: wrk -c{args.connections} on {path}, {args.seconds:g} s"
    text = header + "\n" + report + "\n"
    out = RESULTS / f"profile_{tag}.txt"
    out.write_text(text)
    print(text)
    print(f"written {out.relative_to(ROOT)}")


def _cprofile_report(prof: Path) -> str:
    import io

    buf = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buf)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("mountui", 30)
    return buf.getvalue()


if __name__ == "__main__":
    main()
