"""Import time of `import mountui` against `import fastapi`, each in fresh interpreters (median of N runs).

    python bench/import_time.py [--runs 15]

Also `import fastapi, mountui` (what mountui adds to a FastAPI service). Measures the time of the import
statement alone (interpreter start-up excluded) and the wall time of the whole
`python -c "import X"` process. Also lists which heavy modules `import mountui` pulls in (from sys.modules of a
fresh interpreter), the ones that should load only when used, and the slowest imports under `-X importtime`.
Asserts nothing: it prints and writes bench/results/import_time.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from _common import ROOT, table, write_result

# Modules `import mountui` must not load (only building/serving an app, or the optional features, need them).
MUST_NOT_LOAD = [
    "uvicorn",
    "authlib",
    "mcp",
    "httpx",
    "sse_starlette",
    "redis",
    "multipart",
    "python_multipart",
    "starlette.routing",
    "starlette.applications",
    "starlette.responses",
    "fastapi",
    "h11",
    "itsdangerous",
    "markdown_it",
    "nh3",
    "anyio",
    "ssl",
    "email.mime",
    "http.client",
    "concurrent.futures",
]
# Loaded by `import mountui` on purpose or acceptable; listed so the report shows the whole picture.
INFORMATIVE = ["pydantic", "pydantic_core", "orjson", "starlette", "typing_extensions", "asyncio"]

TIMED = "import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"
PROBE = """
import sys, json
before = set(sys.modules)
import {mod}
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def timed_import(mod: str) -> tuple[float, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", TIMED.format(mod=mod)], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return float(out), time.perf_counter() - start


def loaded_by(mod: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(mod=mod)], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def self_time_by_package(mod: str, runs: int = 5) -> list[tuple[int, str]]:
    """Self import time summed per top-level package (median over `runs` of `python -X importtime`)."""
    per_run: list[dict[str, int]] = []
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {mod}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stderr
        totals: dict[str, int] = {}
        for line in err.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            own, _cumulative, name = (p.strip() for p in line.split(":", 1)[1].split("|"))
            top = name.split(".")[0]
            key = top if top not in sys.stdlib_module_names else "(stdlib)"
            if top == "mountui":
                key = ".".join(name.split(".")[:2])
            totals[key] = totals.get(key, 0) + int(own)
        per_run.append(totals)
    keys = set().union(*per_run)
    rows = [(int(statistics.median(r.get(k, 0) for r in per_run)), k) for k in keys]
    return sorted(rows, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    # "fastapi, mountui": what mountui adds to a FastAPI service that already imports FastAPI.
    targets = ["fastapi", "mountui", "fastapi, mountui", "starlette.applications", "pydantic"]
    for mod in targets:  # warm the file system cache and the .pyc files once
        timed_import(mod)
    samples: dict[str, list[tuple[float, float]]] = {mod: [] for mod in targets}
    for _ in range(args.runs):  # round-robin, so a change in machine load hits every target alike
        for mod in targets:
            samples[mod].append(timed_import(mod))
    rows = []
    for mod in targets:
        imp = statistics.median(s[0] for s in samples[mod])
        wall = statistics.median(s[1] for s in samples[mod])
        rows.append({"import": mod, "import_ms": round(imp * 1000, 1), "process_ms": round(wall * 1000, 1)})
    base = next(r for r in rows if r["import"] == "fastapi")["import_ms"]
    for r in rows:
        r["vs_fastapi"] = f"{r['import_ms'] / base:.2f}x"
    print(f"median of {args.runs} fresh interpreters each, interleaved")
    print(table(rows, ["import", "import_ms", "process_ms", "vs_fastapi"]))

    # What would `import mountui` + building a server add? (mount_ui_app is lazy; importing it loads the server.)
    server_import = statistics.median(timed_import("mountui.server.app")[0] for _ in range(5))
    print(
        f"\nimport mountui.server.app (what the first mount_ui_app call loads): {server_import * 1000:.1f} ms"
    )

    loaded = loaded_by("mountui")
    top_level = sorted(
        {m.split(".")[0] for m in loaded}
        - set(sys.stdlib_module_names)
        - {m for m in loaded if m.startswith("_")}
    )
    bad = [m for m in MUST_NOT_LOAD if m in loaded]
    print(f"\n`import mountui` loads {len(loaded)} modules; non-stdlib packages: {', '.join(top_level)}")
    print("heavy modules that must NOT load with `import mountui`:")
    for m in MUST_NOT_LOAD:
        print(f"  {'LOADED ' if m in loaded else 'absent '} {m}")
    print("informative: " + ", ".join(f"{m}={'loaded' if m in loaded else 'absent'}" for m in INFORMATIVE))
    slow = self_time_by_package("mountui")
    print(
        "\nwhere `import mountui` spends its time: self time per package, median of 5 `-X importtime` runs (ms):"
    )
    for us, name in slow[:12]:
        print(f"  {us / 1000:>7.1f}  {name}")

    path = write_result(
        "import_time",
        {
            "runs": args.runs,
            "rows": rows,
            "server_import_ms": round(server_import * 1000, 1),
            "loaded_by_mountui": loaded,
            "must_not_load_but_loaded": bad,
            "self_time_by_package_us": slow,
        },
    )
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
