"""A real scale-out deployment for tests: N uvicorn processes of `scale_app`, one Redis, nginx round-robin.

    cluster = Cluster(workdir, redis_url, workers=3, lease=1.5, nginx=nginx_path).start()
    cluster.proxy          # http://127.0.0.1:PORT: nginx, round-robin over the workers, no stickiness
    cluster.workers[0].url # one worker directly, to say "on A", "on B"
    cluster.kill(pid)      # kill -9 a worker;  cluster.respawn(worker) starts it again on its port

Each worker is its own process (``python -m uvicorn scale_app:app``), with its own log in the work directory;
`Cluster.logs()` returns them for failure messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from support.nginx import NginxProcess
from support.ports import LOOPBACK, free_port
from support.sse import parse_sse

HERE = Path(__file__).resolve().parent
SECRET = "scale-out-test-secret-key-0123456789-abcdefghij"
USERS = [("alice", "wonderland-42"), ("bob", "builder-77"), ("carol", "carol-in-wonderland-3")]
STREAM = {"Accept": "text/event-stream"}


@dataclass
class Worker:
    index: int
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def ui(self) -> str:
        return f"{self.url}/ui"

    @property
    def pid(self) -> int:
        assert self.process is not None, "worker not running"
        return self.process.pid

    @property
    def name(self) -> str:
        return "ABCDEFGH"[self.index]


@dataclass
class Cluster:
    workdir: Path
    redis_url: str
    size: int = 3
    lease: float = 1.5
    nginx: str = "/usr/sbin/nginx"
    store_from_env: bool = False  # True: MOUNTUI_STORE names Redis, the app passes no store=
    workers: list[Worker] = field(default_factory=list)
    _proxy: NginxProcess | None = None
    proxy: str = ""

    @property
    def shared_dir(self) -> Path:
        return self.workdir / "shared"

    @property
    def file_dir(self) -> Path:
        return self.workdir / "files"

    @property
    def proxy_ui(self) -> str:
        return f"{self.proxy}/ui"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("MOUNTUI_STORE", "SCALE_REDIS_URL")}
        store = (
            {"MOUNTUI_STORE": self.redis_url} if self.store_from_env else {"SCALE_REDIS_URL": self.redis_url}
        )
        return {
            **env,
            **store,
            "SCALE_SECRET": SECRET,
            "SCALE_FILE_DIR": str(self.file_dir),
            "SCALE_SHARED_DIR": str(self.shared_dir),
            "SCALE_LEASE": str(self.lease),
            "PYTHONUNBUFFERED": "1",
        }

    # -- life cycle --------------------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> Cluster:
        for d in (self.shared_dir, self.file_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.workers = [Worker(i, free_port(), self.workdir / f"worker-{i}.log") for i in range(self.size)]
        for worker in self.workers:  # all at once: they import in parallel
            self._spawn(worker)
        for worker in self.workers:
            self._wait_ready(worker, timeout)
        servers = "\n".join(f"    server {w.url.removeprefix('http://')};" for w in self.workers)
        upstream = f"upstream scale_workers {{\n{servers}\n    keepalive 16;\n}}"
        location = """
location / {
    proxy_pass http://scale_workers;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_buffering off;
    proxy_read_timeout 120s;
    client_max_body_size 20m;
}
"""
        self._proxy = NginxProcess(
            location, http_extra=upstream, workdir=self.workdir / "nginx", executable=self.nginx
        )
        self.proxy = self._proxy.start()
        return self

    def _spawn(self, worker: Worker) -> None:
        command = [
            sys.executable, "-m", "uvicorn", "scale_app:app",
            "--app-dir", str(HERE),
            "--host", LOOPBACK, "--port", str(worker.port),
            "--log-level", "warning", "--no-access-log",
            "--timeout-graceful-shutdown", "3",
        ]  # fmt: skip
        log = open(worker.log_path, "ab")
        worker.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self.env(), cwd=HERE
        )
        log.close()

    def _wait_ready(self, worker: Worker, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert worker.process is not None
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise RuntimeError(
                    f"worker {worker.name} exited with {worker.process.returncode}:\n{self.log(worker)}"
                )
            try:
                answer = httpx.get(f"{worker.url}/whoami", timeout=1)
                if answer.status_code == 200 and answer.json()["pid"] == worker.pid:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"worker {worker.name} did not answer within {timeout} s:\n{self.log(worker)}")

    def kill(self, pid: int) -> Worker:
        """kill -9 the worker with this pid (no clean-up of any kind happens in it)."""
        worker = self.by_pid(pid)
        os.kill(pid, signal.SIGKILL)
        assert worker.process is not None
        worker.process.wait(timeout=10)
        return worker

    def respawn(self, worker: Worker, timeout: float = 30.0) -> None:
        """Start a killed worker again on its own port, so nginx's upstream list stays right."""
        self._spawn(worker)
        self._wait_ready(worker, timeout)

    def by_pid(self, pid: int) -> Worker:
        for worker in self.workers:
            if worker.process is not None and worker.pid == pid:
                return worker
        raise LookupError(f"no worker has pid {pid}; pids: {[w.pid for w in self.workers]}")

    def others(self, pid: int) -> list[Worker]:
        return [w for w in self.workers if w.pid != pid]

    def stop(self) -> None:
        if self._proxy is not None:
            self._proxy.stop()
        for worker in self.workers:
            if worker.process is not None and worker.process.poll() is None:
                worker.process.terminate()
        for worker in self.workers:
            if worker.process is None:
                continue
            try:
                worker.process.wait(timeout=8)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=5)

    def log(self, worker: Worker) -> str:
        return worker.log_path.read_text(errors="replace")[-4000:] if worker.log_path.exists() else ""

    def logs(self) -> str:
        parts = [f"--- worker {w.name} (pid {w.process and w.pid}) ---\n{self.log(w)}" for w in self.workers]
        if self._proxy is not None:
            parts.append(f"--- nginx ---\n{self._proxy.error_log[-3000:]}")
        return "\n".join(parts)

    def runner_of(self, tag: str, timeout: float = 10.0) -> int:
        """The pid of the process that started `exclusive(tag)` (`started` may come before its first line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for kind, seen, pid, _ in self.runs():
                if kind == "start" and seen == tag:
                    return pid
            time.sleep(0.02)
        raise AssertionError(f"exclusive({tag!r}) did not start within {timeout} s: {self.runs()}")

    def runs(self) -> list[tuple[str, str, int, float]]:
        """What `exclusive` recorded: (start|end, tag, pid, time)."""
        path = self.shared_dir / "runs.log"
        if not path.exists():
            return []
        rows = []
        for line in path.read_text().splitlines():
            kind, tag, pid, at = line.split()
            rows.append((kind, tag, int(pid), float(at)))
        return rows


# -- talking to it ---------------------------------------------------------------------------------------


def worker_pid(response: httpx.Response) -> int:
    return int(response.headers["x-scale-worker"])


def browser_headers(base: str) -> dict[str, str]:
    """What a browser sends with a form posted from a page of `base`'s origin."""
    origin = httpx.URL(base)
    return {"Origin": f"{origin.scheme}://{origin.netloc.decode()}", "Sec-Fetch-Site": "same-origin"}


def sign_in(client: httpx.Client, ui: str, username: str = "alice", password: str | None = None) -> int:
    """Sign in through the login form of the UI at `ui`; return the pid of the worker that answered."""
    password = password or dict(USERS)[username]
    answer = client.post(
        f"{ui}/login", data={"username": username, "password": password}, headers=browser_headers(ui)
    )
    assert answer.status_code == 303, (answer.status_code, answer.text[:300])
    return worker_pid(answer)


def call(client: httpx.Client, ui: str, endpoint: str, data: list[Any], **kwargs: Any) -> httpx.Response:
    return client.post(f"{ui}/api/{endpoint}", json={"data": data}, **kwargs)


class EventStream:
    """An open SSE response and its parsed events, read one at a time: ``stream.next()``, ``stream.rest()``."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.worker = worker_pid(response)
        self._events = parse_sse(response.iter_lines())
        self.seen: list[dict[str, Any]] = []

    def next(self) -> dict[str, Any]:
        event = next(self._events)
        self.seen.append(event)
        return event

    def until(self, *names: str) -> dict[str, Any]:
        """Read until an event named one of `names` (returned); fails if the stream ends first."""
        for event in self._events:
            self.seen.append(event)
            if event["event"] in names:
                return event
        raise AssertionError(f"the stream ended before any of {names}: {[e['event'] for e in self.seen]}")

    def rest(self) -> list[dict[str, Any]]:
        events = list(self._events)
        self.seen.extend(events)
        return events


@contextmanager
def open_stream(
    client: httpx.Client, url: str, data: list[Any] | None = None, *, method: str = "POST", **kwargs: Any
) -> Iterator[EventStream]:
    """POST a call asking for SSE (or GET/resume with ``method="GET"``); yields the open stream."""
    headers = {**STREAM, **kwargs.pop("headers", {})}
    body = {"json": {"data": data}} if method == "POST" else {}
    with client.stream(method, url, headers=headers, **body, **kwargs) as response:
        assert response.status_code == 200, (response.status_code, response.read()[:300])
        yield EventStream(response)


def event_number(event: dict[str, Any]) -> int:
    return int(event["id"].rsplit(":", 1)[1])
