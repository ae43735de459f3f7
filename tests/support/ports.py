"""Free loopback ports, and waiting for a process to start listening on one."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Another process may take it before the caller binds it; callers that start external programs retry.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def bound_socket() -> socket.socket:
    """A TCP socket already bound to a free loopback port, for servers that accept a socket (no race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    return sock


def port_accepts(port: int, host: str = LOOPBACK) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until_listening(
    process: subprocess.Popen,
    port: int,
    *,
    timeout: float,
    is_ready: Callable[[int], bool] = port_accepts,
) -> None:
    """Wait until `process` answers on `port`; raise if it exits first or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProcessExited(process.returncode)
        if is_ready(port):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on {LOOPBACK}:{port} within {timeout} s")


class ProcessExited(RuntimeError):
    def __init__(self, returncode: int) -> None:
        super().__init__(f"the process exited with code {returncode} before it listened")
        self.returncode = returncode


def stop_process(process: subprocess.Popen, *, timeout: float = 5.0) -> None:
    """Terminate, then kill if it does not go within `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
