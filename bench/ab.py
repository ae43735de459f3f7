"""Measure a proposed patch against this checkout, without touching the work tree.

    python bench/ab.py patches/01-forwarded-fast-path.diff [more.diff ...] [--mode asgi|calls|sse|waiting|memory-sse|import]
                       [--rounds 5] [--connections 16] [--calls 2000]

Copies the work tree's `mountui/` twice under bench/results/ab/ (git-ignored): `base/` as it is, `patched/`
with the given patches applied (`patch -p1`, in order). Then runs the same measurement on each, alternating
base and patched for `--rounds` rounds, and prints the medians:

- asgi:     bench/asgi_overhead.py, mountui without concurrency limit (in-process CPU us per call)
- calls:    bench/call_overhead.py at --connections (16), JSON calls (server CPU ms per call, over HTTP)
- sse:      the same with SSE calls (the browser's way)
- waiting:  bench/waiting.py with --calls (RSS and objects per waiting call, CPU per enqueue)
- memory-sse: bench/memory.py with 10,000 SSE calls (KiB per call kept during `event_retention`, timers)
- import:   bench/import_time.py's `import mountui` (ms)

The measured servers import the copy through MOUNTUI_BENCH_SRC (see bench/_server.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import BENCH, RESULTS, ROOT, table, write_result

PY = sys.executable


def prepare(patches: list[Path]) -> dict[str, Path]:
    work = RESULTS / "ab"
    if work.exists():
        shutil.rmtree(work)
    dirs = {"base": work / "base", "patched": work / "patched"}
    for d in dirs.values():
        shutil.copytree(ROOT / "mountui", d / "mountui", ignore=shutil.ignore_patterns("__pycache__"))
    for p in patches:
        subprocess.run(["patch", "-p1", "-s", "-d", str(dirs["patched"]), "-i", str(p.resolve())], check=True)
    return dirs


def run_json(cmd: list[str], src: Path) -> object:
    env = {**os.environ, "MOUNTUI_BENCH_SRC": str(src), "PYTHONPATH": str(src)}
    out = subprocess.run(cmd, cwd=BENCH, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def one(mode: str, src: Path, args: argparse.Namespace) -> dict[str, float]:
    if mode == "asgi":
        rows = run_json(
            [
                PY,
                "asgi_overhead.py",
                "--only",
                "mountui-none",
                "--repeat",
                "1",
                "--json",
                "--concurrency",
                "1,64",
            ],
            src,
        )
        return {f"us_per_call_c{r['concurrency']}": r["us_per_call"] for r in rows}
    if mode in ("calls", "sse"):
        env = {**os.environ, "MOUNTUI_BENCH_SRC": str(src)}
        cmd = [
            PY,
            "call_overhead.py",
            "--connections",
            str(args.connections),
            "--seconds",
            "4",
            "--only-mountui-none",
        ]
        if mode == "sse":
            cmd.append("--sse-only")
        subprocess.run(cmd, cwd=BENCH, env=env, check=True, capture_output=True)
        rows = json.loads((RESULTS / "call_overhead_sync.json").read_text())["rows"]
        return {"cpu_ms_per_call": rows[-1]["cpu_ms_per_call"], "req_per_s": rows[-1]["req_per_s"]}
    if mode == "waiting":
        env = {**os.environ, "MOUNTUI_BENCH_SRC": str(src)}
        subprocess.run(
            [PY, "waiting.py", "--calls", str(args.calls), "--hold", "2"],
            cwd=BENCH,
            env=env,
            check=True,
            capture_output=True,
        )
        r = json.loads((RESULTS / "waiting.json").read_text())
        keys = [
            "kib_per_waiting_call",
            "gc_objects_per_waiting_call",
            "tasks_while_held",
            "cpu_ms_per_enqueue",
            "cpu_ms_per_drained_call",
            "ok",
        ]
        return {k: r[k] for k in keys}
    if mode == "memory-sse":
        env = {**os.environ, "MOUNTUI_BENCH_SRC": str(src)}
        subprocess.run(
            [PY, "memory.py", "--only", "sse", "--checkpoints", "10000", "--idle", "0"],
            cwd=BENCH,
            env=env,
            check=True,
            capture_output=True,
        )
        row = json.loads((RESULTS / "memory.json").read_text())["rows"][-2]  # the last checkpoint
        return {k: row[k] for k in ("kib_per_call", "timers", "gc_objects")}
    if mode == "import":
        code = "import time; t = time.perf_counter(); import mountui; print(time.perf_counter() - t)"
        samples = []
        for _ in range(7):
            out = subprocess.run([PY, "-c", code], cwd=src, check=True, capture_output=True, text=True).stdout
            samples.append(float(out) * 1000)
        return {"import_ms": round(statistics.median(samples), 1)}
    raise SystemExit(f"unknown mode {mode}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("patches", nargs="+", type=Path)
    parser.add_argument(
        "--mode", choices=["asgi", "calls", "sse", "waiting", "memory-sse", "import"], default="asgi"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000, help="waiting calls for --mode waiting")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections for --mode calls|sse")
    args = parser.parse_args()
    dirs = prepare(args.patches)
    # The measured scripts write their usual result files; keep the ones from the last plain runs.
    clobbered = ["call_overhead_sync.json", "waiting.json", "memory.json"]
    saved = {n: (RESULTS / n).read_bytes() for n in clobbered if (RESULTS / n).exists()}
    try:
        measure_all(args, dirs)
    finally:
        for n in clobbered:
            if n in saved:
                (RESULTS / n).write_bytes(saved[n])
            else:
                (RESULTS / n).unlink(missing_ok=True)


def measure_all(args: argparse.Namespace, dirs: dict[str, Path]) -> None:
    samples: dict[str, list[dict[str, float]]] = {"base": [], "patched": []}
    t0 = time.monotonic()
    for r in range(args.rounds):
        order = ["base", "patched"] if r % 2 == 0 else ["patched", "base"]
        for name in order:
            samples[name].append(one(args.mode, dirs[name], args))
        print(
            f"round {r + 1}: " + ", ".join(f"{n} {samples[n][-1]}" for n in ("base", "patched")), flush=True
        )
    rows = []
    for name, runs in samples.items():
        row: dict[str, object] = {"tree": name}
        for key in runs[0]:
            values = [run[key] for run in runs]
            row[key] = (
                statistics.median(values)
                if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
                else values[-1]
            )
        rows.append(row)
    for key in rows[0]:
        value = rows[0][key]
        if key != "tree" and isinstance(value, (int, float)) and not isinstance(value, bool) and value:
            rows[1][f"{key} change"] = f"{(rows[1][key] / rows[0][key] - 1) * 100:+.1f}%"
    columns = list(dict.fromkeys(k for r in rows for k in r))
    print(
        f"\n{args.mode}: median of {args.rounds} alternating rounds ({time.monotonic() - t0:.0f} s), "
        f"patches: {', '.join(p.name for p in args.patches)}"
    )
    print(table(rows, columns))
    name = "ab_" + "_".join(p.stem.split("-")[0] for p in args.patches) + f"_{args.mode}"
    if args.mode in ("calls", "sse"):
        name += f"_c{args.connections}"
    path = write_result(name, {"patches": [p.name for p in args.patches], "mode": args.mode, "rows": rows})
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
