"""A throwaway redis-server on a loopback port: no persistence, no shared state with any other test.

``RedisProcess(..., appendonly=True)`` keeps its data in an append-only file in its directory, so that
``restart()`` (stop, then start again on the same port) brings back what was written before the stop.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from .ports import LOOPBACK, ProcessExited, free_port, stop_process, wait_until_listening

REDIS_SERVER = "redis-server"


def answers_ping(port: int) -> bool:
    # Accepting a connection is not enough: Redis answers "-LOADING" until it is ready.
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisError(RuntimeError):
    pass


class RedisProcess:
    """redis-server as a child process. `start()` returns ``redis://127.0.0.1:PORT/0`` once it answers."""

    def __init__(self, *, workdir: Path, executable: str = REDIS_SERVER, appendonly: bool = False) -> None:
        self.workdir = Path(workdir)
        self.executable = executable
        self.appendonly = appendonly
        self.port: int | None = None
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RedisError("redis-server has not been started")
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self, timeout: float = 10.0, attempts: int = 3, *, port: int | None = None) -> str:
        """Start on `port`, or on a free port (retried if another process takes it first)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        log_path = self.workdir / "redis.log"
        for _ in range(1 if port else attempts):
            self.port = port or free_port()
            command = [
                self.executable,
                "--port", str(self.port),
                "--bind", LOOPBACK,
                "--save", "",
                *(("--appendonly", "yes", "--appendfsync", "always") if self.appendonly else ("--appendonly", "no")),
                "--dir", str(self.workdir),
                "--logfile", str(log_path),
                "--daemonize", "no",
            ]  # fmt: skip
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                wait_until_listening(self._process, self.port, timeout=timeout, is_ready=answers_ping)
                return self.url
            except ProcessExited as exited:
                log = log_path.read_text(errors="replace") if log_path.exists() else ""
                if "Address already in use" in log and not port:
                    continue  # another process took the port between our check and Redis's bind
                raise RedisError(f"redis-server exited with code {exited.returncode}:\n{log}") from None
            except TimeoutError:
                self.stop()
                raise RedisError(f"redis-server did not answer PING within {timeout} s") from None
        raise RedisError(f"redis-server could not bind a free loopback port in {attempts} attempts")

    def stop(self, timeout: float = 5.0) -> None:
        if self._process is not None:
            stop_process(self._process, timeout=timeout)
            self._process = None

    def restart(self, timeout: float = 10.0) -> str:
        """Stop (if running) and start again on the same port; with `appendonly`, the data comes back."""
        if self.port is None:
            raise RedisError("redis-server has not been started")
        self.stop()
        return self.start(timeout, port=self.port)
