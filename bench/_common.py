"""Helpers shared by the bench scripts: free ports, starting a server process, reading /proc.

Everything runs on loopback and every server started here is stopped by the script that started it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Gradio's own venv (made by `make bench`): the gradio server kind and `import gradio` run there.
GRADIO_VENV = Path(os.environ.get("BENCH_GRADIO_VENV") or BENCH / ".venv-gradio")
GRADIO_PYTHON = GRADIO_VENV / "bin" / "python"
# Gradio would otherwise phone home (analytics, version check) from the server processes.
QUIET_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_SERVER_NAME": "127.0.0.1"}


def python_for(kind: str) -> str:
    """The interpreter of a server kind: Gradio's venv for gradio, this one for the others."""
    return str(GRADIO_PYTHON) if kind == "gradio" else sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the ")" the fields start at 3 (state); utime is field 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE // 1024


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port} within {timeout} s")


@contextlib.contextmanager
def server(kind: str, *args: str, port: int | None = None) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Run bench/_server.py KIND in its own process on a free loopback port; stop it on exit."""
    port = port or free_port()
    cmd = [python_for(kind), str(BENCH / "_server.py"), kind, "--port", str(port), *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, env={**os.environ, **QUIET_ENV})
    try:
        wait_for_port(port, proc, timeout=60)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def write_result(name: str, data: object) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def table(rows: list[dict[str, object]], columns: list[str]) -> str:
    """A Markdown table of `rows` (dicts), in the order of `columns`."""
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |" for row in cells]
    return "\n".join(lines)


def wrk_threads(connections: int) -> int:
    return max(1, min(connections, os.cpu_count() or 1, 4))


def run_wrk(
    url: str, connections: int, seconds: float, timeout: float = 10, accept: str = "application/json"
) -> dict[str, float]:
    """Run wrk with post_json.lua against `url`; return its JSON summary (requests, errors, latency).

    `accept="text/event-stream"` makes each call an SSE call (what the browser sends).
    """
    cmd = [
        "wrk",
        f"-t{wrk_threads(connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout}s",
        "-s",
        str(BENCH / "post_json.lua"),
        url,
    ]
    env = {**os.environ, "BENCH_ACCEPT": accept}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    for line in out.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise RuntimeError(f"no summary from wrk:\n{out}")


def require_wrk() -> None:
    import shutil

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk  (Debian/Ubuntu package 'wrk')")


def settle(pid: int, quiet: float = 0.3, limit: float = 10) -> None:
    """Wait until the process stops using CPU (its in-flight work after the load ended is counted too)."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - last < 0.01:
            return
        last = now


def post_json(
    port: int, path: str, body: bytes = b'{"data": ["world"]}', accept: str = "application/json"
) -> bytes:
    import urllib.request

    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        headers={"Content-Type": "application/json", "Accept": accept},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.read()


def measured_run(pid: int, connections: int, run: Callable[[], dict[str, float]]) -> dict[str, object]:
    """One load run (`run` returns wrk's summary fields): the server's CPU per completed call, rate, latency.

    The CPU is counted until the server is quiet again, so the calls still in flight when the load stops are
    paid for (they are few against the thousands completed).
    """
    before, t0 = cpu_seconds(pid), time.monotonic()
    summary = run()
    settle(pid)
    cpu, wall = cpu_seconds(pid) - before, time.monotonic() - t0
    n = summary["requests"]
    errors = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "connections": connections,
        "requests": n,
        "req_per_s": round(n / (summary["duration_us"] / 1e6)),
        "errors": errors,
        "cpu_ms_per_call": round(cpu / n * 1000, 3) if n else None,
        "cpu_util": f"{cpu / wall:.0%}",
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
        **({"client_cpu": f"{summary['client_cpu_pct']:.0f}%"} if "client_cpu_pct" in summary else {}),
    }
