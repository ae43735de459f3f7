"""What a share link adds: latency and throughput through `mountui share-server` against direct access.

    .venv/bin/python bench/share_tunnel.py [--calls 300] [--megabytes 64]   # ~30 s on a 2-CPU machine

Three processes on loopback: the share server (`mountui share-server`, plain http), the app (`launch(share=...)`,
uvicorn, one worker) and this client (httpx, keep-alive). The same requests go to the app directly and through
its share link: sequential JSON calls (latency p50/p95), a download and an upload of one large file (MB/s), and
100 concurrent SSE calls of a 20-item generator (wall time). Prints a table and writes
bench/results/share_tunnel.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
from _common import RESULTS, ROOT, free_port

TOKEN = "bench-share-token-0123456789abcdef"
APP = """
import asyncio, sys, tempfile
import mountui

def greet(name: str) -> str:
    return f"Hello, {name}!"

def blob(megabytes: float) -> str:
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as file:
        file.write(b"x" * int(megabytes * 1024 * 1024))
    return file.name

def size(path: str) -> int:
    import os
    return os.path.getsize(path)

async def items(n: float):
    for i in range(int(n)):
        yield str(i)
        await asyncio.sleep(0.01)

with mountui.Blocks(title="bench") as demo:
    t, n, f = mountui.Textbox(), mountui.Number(), mountui.File()
    mountui.Button().click(greet, t, t, api_name="greet", concurrency_limit=None)
    mountui.Button().click(blob, n, f, api_name="blob")
    mountui.Button().click(size, f, n, api_name="size")
    mountui.Button().click(items, n, t, api_name="items", concurrency_limit=None)
demo.launch(port=int(sys.argv[1]), share=sys.argv[2], share_token=sys.argv[3], log_level="warning",
            max_body_size=1024 * 1024 * 1024, max_file_size=1024 * 1024 * 1024)
"""


def start(command: list[str], marker: str, cwd: Path | None = None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd)
    for line in process.stdout:
        if marker in line:
            return process, line
    raise RuntimeError(f"{command[0]} stopped before printing {marker!r}")


def latency(client: httpx.Client, calls: int) -> dict[str, float]:
    timings = []
    for _ in range(calls):
        began = time.perf_counter()
        answer = client.post("/api/greet", json={"data": ["Ada"]})
        timings.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.text
    timings.sort()
    return {"p50_ms": statistics.median(timings), "p95_ms": timings[int(len(timings) * 0.95) - 1]}


def download(client: httpx.Client, megabytes: int) -> float:
    url = client.post("/api/blob", json={"data": [megabytes]}).json()["data"][0]["url"]
    path = url.split("/file/")[-1]
    began, received = time.perf_counter(), 0
    with client.stream("GET", f"/file/{path}") as response:
        for chunk in response.iter_bytes(1 << 20):
            received += len(chunk)
    assert received == megabytes * 1024 * 1024
    return megabytes / (time.perf_counter() - began)


def upload(client: httpx.Client, megabytes: int) -> float:
    content = b"y" * (megabytes * 1024 * 1024)
    began = time.perf_counter()
    answer = client.post("/upload", files={"files": ("big.bin", content)})
    assert answer.status_code == 200, answer.text[:200]
    return megabytes / (time.perf_counter() - began)


async def crowd(base: str, host: str | None, clients: int) -> float:
    headers = {"Accept": "text/event-stream", **({"Host": host} if host else {})}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one(client: httpx.AsyncClient) -> None:
        async with client.stream("POST", "/api/items", json={"data": [20]}, headers=headers) as response:
            body = (await response.aread()).decode()
            assert body.count("event: output") == 20 and "event: complete" in body

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        began = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(clients)))
        return time.perf_counter() - began


def measure(base: str, host: str | None, calls: int, megabytes: int) -> dict[str, float]:
    headers = {"Host": host} if host else {}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        latency(client, 20)  # warm up
        result = latency(client, calls)
        result["download_mb_s"] = download(client, megabytes)
        result["upload_mb_s"] = upload(client, megabytes // 2)
    result["sse_100_clients_s"] = asyncio.run(crowd(base, host, 100))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--megabytes", type=int, default=64)
    args = parser.parse_args()
    relay_port, app_port = free_port(), free_port()
    mountui_command = str(Path(sys.executable).parent / "mountui")
    relay, _ = start(
        [mountui_command, "share-server", "--domain", "share.test", "--token", TOKEN, "--scheme", "http",
         "--port", str(relay_port), "--public-port", str(relay_port), "--max-body-mb", "1024"],
        "links look like",
    )  # fmt: skip
    workdir = RESULTS / "share_tunnel_app"
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "app.py").write_text(textwrap.dedent(APP))
    app, line = start(
        [sys.executable, "-u", "app.py", str(app_port), f"http://127.0.0.1:{relay_port}", TOKEN],
        "shared at",
        workdir,
    )
    link = line.split("shared at ")[1].split()[0]
    host = link.split("//")[1].rstrip("/")
    try:
        direct = measure(f"http://127.0.0.1:{app_port}", None, args.calls, args.megabytes)
        tunnel = measure(f"http://127.0.0.1:{relay_port}", host, args.calls, args.megabytes)
    finally:
        for process in (app, relay):
            process.terminate()
            process.wait(10)
    print(f"{'':28}{'direct':>12}{'share link':>14}")
    for key in direct:
        print(f"{key:28}{direct[key]:12.2f}{tunnel[key]:14.2f}")
    RESULTS.mkdir(exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    (RESULTS / "share_tunnel.json").write_text(
        json.dumps({"direct": direct, "share": tunnel, "machine": machine}, indent=2)
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
